import { describe, expect, it } from '@jest/globals';
import { anchorDate, nextRun, type Schedule, scheduleSchema } from '../../../../src/domain/campaigns/schedule';

const AFTER = new Date('2026-12-01T03:00:00Z'); // 11:00 in Shanghai, a Tuesday

describe('next run', () => {
  const cases: [string, Schedule, string | null][] = [
    ['once, later today in Shanghai', { kind: 'once', at: '2026-12-01T18:30', timeZone: 'Asia/Shanghai' }, '2026-12-01T10:30:00.000Z'],
    ['once, in New York', { kind: 'once', at: '2026-12-05T09:00', timeZone: 'America/New_York' }, '2026-12-05T14:00:00.000Z'],
    ['once, already past', { kind: 'once', at: '2026-12-01T10:00', timeZone: 'Asia/Shanghai' }, null],
    ['cron, Mondays at 10 in Hong Kong', { kind: 'cron', cron: '0 10 * * 1', timeZone: 'Asia/Hong_Kong' }, '2026-12-07T02:00:00.000Z'],
    [
      'relative, at 10:00 tomorrow (10:00 passed)',
      { kind: 'relative', anchor: 'activation', days: 30, at: '10:00', timeZone: 'Asia/Shanghai' },
      '2026-12-02T02:00:00.000Z',
    ],
    ['relative, at 12:00 today', { kind: 'relative', anchor: 'card_anniversary', days: 0, at: '12:00', timeZone: 'Asia/Shanghai' }, '2026-12-01T04:00:00.000Z'],
  ];
  it.each(cases)('%s', (_n, s, expected) => {
    expect(nextRun(scheduleSchema.parse(s), AFTER)?.toISOString() ?? null).toBe(expected);
  });

  it('reads the anchor date in the schedule time zone', () => {
    expect(anchorDate({ kind: 'relative', anchor: 'activation', days: 30, at: '10:00', timeZone: 'Asia/Shanghai' }, new Date('2026-12-02T02:00:00Z'))).toBe(
      '2026-11-02',
    );
  });
});

describe('bad schedules', () => {
  const bad: [string, unknown, string][] = [
    ['unknown kind', { kind: 'weekly' }, 'kind'],
    ['bad zone', { kind: 'once', at: '2026-12-01T10:00', timeZone: 'Mars/Olympus' }, 'timeZone'],
    ['bad local time', { kind: 'once', at: '2026-12-01 10:00', timeZone: 'UTC' }, 'at'],
    ['six cron fields', { kind: 'cron', cron: '0 0 10 * * 1', timeZone: 'UTC' }, 'cron'],
    ['nonsense cron', { kind: 'cron', cron: '99 * * * *', timeZone: 'UTC' }, 'cron'],
    ['bad anchor', { kind: 'relative', anchor: 'birthday', days: 1, at: '10:00', timeZone: 'UTC' }, 'anchor'],
    ['25:00', { kind: 'relative', anchor: 'activation', days: 1, at: '25:00', timeZone: 'UTC' }, 'at'],
  ];
  it.each(bad)('%s', (_n, input, path) => {
    const r = scheduleSchema.safeParse(input);
    expect(r.success).toBe(false);
    expect(r.error!.issues.map((i) => i.path.join('.'))).toContain(path);
  });
});
