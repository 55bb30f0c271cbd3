import { describe, expect, it } from '@jest/globals';
import { missedSlots } from '../../../src/scheduler/backfill';

const iso = (d: Date[]) => d.map((x) => x.toISOString());

describe('missedSlots', () => {
  it.each([
    [
      'a daily job missed once',
      { cron: '0 10 * * *', timeZone: 'Asia/Shanghai', backfill: 'every' as const },
      '2026-11-29T02:00:00Z',
      '2026-11-30T02:30:00Z',
      ['2026-11-30T02:00:00.000Z'],
    ],
    [
      'a daily job not missed',
      { cron: '0 10 * * *', timeZone: 'Asia/Shanghai', backfill: 'every' as const },
      '2026-11-30T02:00:00Z',
      '2026-11-30T05:00:00Z',
      [],
    ],
    [
      'a daily job, its slot exactly now',
      { cron: '0 10 * * *', timeZone: 'Asia/Shanghai', backfill: 'every' as const },
      '2026-11-29T02:00:00Z',
      '2026-11-30T02:00:00Z',
      ['2026-11-30T02:00:00.000Z'],
    ],
    [
      'an hourly job missed three times: each',
      { cron: '0 * * * *', timeZone: 'UTC', backfill: 'every' as const },
      '2026-11-30T06:00:00Z',
      '2026-11-30T09:15:00Z',
      ['2026-11-30T07:00:00.000Z', '2026-11-30T08:00:00.000Z', '2026-11-30T09:00:00.000Z'],
    ],
    [
      'a sweep every minute: the latest only',
      { cron: '* * * * *', timeZone: 'UTC', backfill: 'latest' as const },
      '2026-11-30T06:00:00Z',
      '2026-11-30T09:15:30Z',
      ['2026-11-30T09:15:00.000Z'],
    ],
  ])('%s', (_name, job, since, now, expected) => {
    expect(iso(missedSlots(job, new Date(since), new Date(now)))).toEqual(expected);
  });
});
