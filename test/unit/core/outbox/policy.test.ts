import { describe, expect, it } from '@jest/globals';
import { backoffDelay } from '../../../../src/core/outbox/options';
import { marketingVerdict, quietHoursEnd } from '../../../../src/core/outbox/policy';
import { priorityOf } from '../../../../src/core/outbox/outbox';
import { RouteTable } from '../../../../src/core/outbox/routes';
import { Throttle } from '../../../../src/core/outbox/throttle';

const quiet = { start: '21:00', end: '08:00' };

describe('quietHoursEnd', () => {
  it.each([
    // now (UTC), zone, expected end (UTC) or null
    ['2026-11-28T14:00:00Z', 'Asia/Shanghai', '2026-11-29T00:00:00.000Z'], // 22:00 local
    ['2026-11-28T17:30:00Z', 'Asia/Shanghai', '2026-11-29T00:00:00.000Z'], // 01:30 local, same night
    ['2026-11-28T23:59:00Z', 'Asia/Shanghai', '2026-11-29T00:00:00.000Z'], // 07:59 local
    ['2026-11-29T00:00:00Z', 'Asia/Shanghai', null], // 08:00 local: open
    ['2026-11-28T12:59:00Z', 'Asia/Shanghai', null], // 20:59 local
    ['2026-11-28T13:00:00Z', 'Asia/Hong_Kong', '2026-11-29T00:00:00.000Z'], // 21:00 local
    ['2026-11-28T14:00:00Z', 'America/New_York', null], // 09:00 local
    ['2026-11-29T03:00:00Z', 'America/New_York', '2026-11-29T13:00:00.000Z'], // 22:00 local (EST, UTC-5)
    ['2026-07-01T03:00:00Z', 'America/New_York', '2026-07-01T12:00:00.000Z'], // 23:00 local (EDT, UTC-4)
  ])('%s in %s → %s', (now, zone, end) => {
    expect(quietHoursEnd(new Date(now), zone, quiet)?.toISOString() ?? null).toBe(end);
  });

  it('handles a window that does not wrap midnight, and an empty one', () => {
    expect(quietHoursEnd(new Date('2026-11-28T05:00:00Z'), 'UTC', { start: '01:00', end: '06:00' })?.toISOString()).toBe('2026-11-28T06:00:00.000Z');
    expect(quietHoursEnd(new Date('2026-11-28T07:00:00Z'), 'UTC', { start: '01:00', end: '06:00' })).toBeNull();
    expect(quietHoursEnd(new Date('2026-11-28T07:00:00Z'), 'UTC', { start: '06:00', end: '06:00' })).toBeNull();
  });
});

describe('marketingVerdict (consent matrix)', () => {
  const day = new Date('2026-11-28T04:00:00Z'); // 12:00 in Shanghai
  const ok = { consent: true, suppressed: false, timeZone: 'Asia/Shanghai', sentThisWeek: 0 };
  it.each([
    ['consented', ok, { action: 'send' }],
    ['no customer record', undefined, { action: 'block', reason: 'no customer record: marketing needs consent' }],
    ['never consented', { ...ok, consent: false }, { action: 'block', reason: 'no marketing consent' }],
    ['sent STOP', { ...ok, suppressed: true }, { action: 'block', reason: 'opted out (STOP/TD)' }],
    ['STOP wins over consent flag', { ...ok, consent: true, suppressed: true }, { action: 'block', reason: 'opted out (STOP/TD)' }],
    ['at the weekly cap', { ...ok, sentThisWeek: 2 }, { action: 'block', reason: 'weekly cap of 2 reached' }],
    ['below the cap', { ...ok, sentThisWeek: 1 }, { action: 'send' }],
  ])('%s', (_name, facts, verdict) => {
    expect(marketingVerdict(facts, day, quiet, 2)).toEqual(verdict);
  });

  it('defers in quiet hours to their end', () => {
    expect(marketingVerdict(ok, new Date('2026-11-28T14:00:00Z'), quiet, 2)).toEqual({
      action: 'defer',
      until: new Date('2026-11-29T00:00:00Z'),
      reason: 'quiet hours in Asia/Shanghai',
    });
  });
});

describe('priorityOf', () => {
  it('orders class first, then tier', () => {
    const order = [
      priorityOf('security', 'standard'),
      priorityOf('transactional', 'platinum'),
      priorityOf('transactional', 'gold'),
      priorityOf('transactional', 'standard'),
      priorityOf('transactional', null),
      priorityOf('service', 'platinum'),
      priorityOf('marketing', 'platinum'),
      priorityOf('marketing', null),
    ];
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(new Set(order).size).toBe(order.length);
  });
});

describe('RouteTable', () => {
  const table = new RouteTable(
    [{ prefix: ['+86', '+852'], via: ['smpp', 'twilio'] }, { class: ['marketing'], via: ['cheap'] }, { via: ['twilio', 'smpp'] }],
    ['smpp', 'twilio', 'cheap', 'dev'],
  );

  it.each([
    ['+8613800138000', 'transactional', null, ['smpp', 'twilio']],
    ['+85291234567', 'marketing', null, ['smpp', 'twilio']],
    ['+16465550123', 'marketing', null, ['cheap']],
    ['+16465550123', 'security', null, ['twilio', 'smpp']],
    ['+16465550123', 'transactional', 'dev', ['dev', 'twilio', 'smpp']],
    ['+8613800138000', 'transactional', 'twilio', ['twilio', 'smpp']],
  ])('%s %s (came in on %s) → %j', (to, cls, preferred, expected) => {
    expect(table.candidates(to, cls as never, preferred)).toEqual(expected);
  });

  it('requires a default route and known transports', () => {
    expect(() => new RouteTable([{ prefix: ['+86'], via: ['smpp'] }], ['smpp'])).toThrow(/last route must be a default/);
    expect(() => new RouteTable([], ['smpp'])).toThrow(/last route must be a default/);
    expect(() => new RouteTable([{ via: ['kannel'] }], ['smpp'])).toThrow(/routes\[0\]\.via names transport "kannel", which is not enabled/);
  });
});

describe('backoffDelay', () => {
  const opts = { backoffMs: 1000, maxBackoffMs: 10_000 };
  it.each([
    [1, 0, 500],
    [1, 1, 1000],
    [2, 0, 1000],
    [3, 1, 4000],
    [4, 0.5, 6000],
    [10, 1, 10_000],
  ])('attempt %d with random %d → %d ms', (attempt, r, expected) => {
    expect(backoffDelay(attempt, opts, () => r)).toBe(expected);
  });
});

describe('Throttle', () => {
  /** A throttle on a clock of its own that moves only when the throttle sleeps. */
  function onOwnClock(limit: { perSecond: number; segmentsPerSecond: number }) {
    const time = { now: 0, slept: [] as number[] };
    const throttle = new Throttle(
      limit,
      () => time.now,
      async (ms) => {
        time.slept.push(ms);
        time.now += ms;
      },
    );
    return { throttle, time };
  }

  it('halves its rate when the provider pushes back, and lets messages through again', async () => {
    const { throttle: t, time } = onOwnClock({ perSecond: 1000, segmentsPerSecond: 1000 });
    expect(t.rateFactor).toBe(1);
    t.penalise();
    expect(t.rateFactor).toBe(0.5);
    t.penalise(); // refusals of sends already in flight: the same signal
    expect(t.rateFactor).toBe(0.5);
    await t.take(1); // waits out the pause, then passes
    expect(time.now).toBeGreaterThanOrEqual(1000);
    t.penalise(); // pushed back again after the pause: halves again
    expect(t.rateFactor).toBe(0.25);
  });

  it('lets a burst of its rate through at once, then one message per 1/rate seconds', async () => {
    const { throttle: t, time } = onOwnClock({ perSecond: 10, segmentsPerSecond: 100 });
    for (let i = 0; i < 10; i++) await t.take(1);
    expect(time.now).toBe(0);
    await t.take(1);
    expect(time.now).toBe(100);
  });

  it('counts segments: a long message waits for its segments to refill', async () => {
    const { throttle: t, time } = onOwnClock({ perSecond: 100, segmentsPerSecond: 10 });
    await t.take(10);
    expect(time.now).toBe(0);
    await t.take(5);
    expect(time.now).toBeGreaterThanOrEqual(500);
  });

  it('climbs back by a tenth of its rate each second once the provider stops pushing back', async () => {
    const { throttle: t, time } = onOwnClock({ perSecond: 100, segmentsPerSecond: 100 });
    t.penalise();
    time.now += 3000;
    await t.take(1);
    expect(t.rateFactor).toBeCloseTo(0.8, 5); // 0.5 + 3 s × 0.1
  });
});
