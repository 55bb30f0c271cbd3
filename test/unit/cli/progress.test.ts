import { describe, expect, it } from '@jest/globals';
import { clock, progressLine, progressView } from '../../../src/cli/progress';

describe('progress', () => {
  it.each([
    [0, '0:00'],
    [65, '1:05'],
    [3725, '1:02:05'],
    [Number.POSITIVE_INFINITY, '-'],
  ])('clock(%s) = %s', (s, text) => {
    expect(clock(s)).toBe(text);
  });

  it('gives the share of the file, lines, rate and time left', () => {
    expect(progressLine({ lines: 200_000, bytes: 50, totalBytes: 200 }, { lines: 0, bytes: 0 }, 10_000)).toBe('25% · 200,000 lines · 20,000/s · ETA 0:30');
  });

  it('writes one plain line per tenth of the file when not on a terminal', () => {
    const out: string[] = [];
    let now = 0;
    const view = progressView({ isTTY: false, write: (s: string) => out.push(s) } as unknown as NodeJS.WriteStream, () => now);
    view.begin({ lines: 0, bytes: 0 });
    for (const bytes of [5, 9, 10, 25, 26, 100]) {
      now += 1000;
      view.update({ lines: bytes * 10, bytes, totalBytes: 100 });
    }
    expect(out).toEqual(['10% · 100 lines · 33/s · ETA 0:27\n', '25% · 250 lines · 63/s · ETA 0:12\n', '100% · 1,000 lines · 167/s · ETA 0:00\n']);
  });
});
