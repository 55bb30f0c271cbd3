import { describe, expect, it } from '@jest/globals';
import { DestinationWindow } from '../../../../src/core/outbox/window';

describe('DestinationWindow', () => {
  it('lets N sends per number through in any minute, per number', () => {
    const w = new DestinationWindow(2);
    expect([w.tryTake('+1', 0), w.tryTake('+1', 1000), w.tryTake('+1', 2000), w.tryTake('+2', 2000)]).toEqual([true, true, false, true]);
    expect(w.tryTake('+1', 60_001)).toBe(true); // the first send left the window
    expect(w.tryTake('+1', 60_002)).toBe(false);
    expect(w.tryTake('+1', 121_000)).toBe(true);
  });
});
