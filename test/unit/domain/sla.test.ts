import { describe, expect, it } from '@jest/globals';
import { inboxOrder, slaClock } from '../../../src/domain/sla';

const since = new Date('2026-11-28T02:00:00Z');
const at = (minutes: number) => new Date(since.getTime() + minutes * 60_000);

describe('slaClock', () => {
  it.each([
    // item, tier, minutes after arrival, own due (minutes), state, minutes left
    ['registration', 'platinum', 0, null, 'ok', 60],
    ['registration', 'platinum', 44, null, 'ok', 16],
    ['registration', 'platinum', 45, null, 'soon', 15],
    ['registration', 'platinum', 60, null, 'soon', 0],
    ['registration', 'platinum', 61, null, 'breached', -1],
    ['registration', 'standard', 61, null, 'ok', 1379],
    ['fraud', 'gold', 50, null, 'soon', 10],
    ['retention', 'gold', 30, 20, 'breached', -10],
    ['retention', 'standard', 30, 600, 'ok', 570],
  ] as const)('%s for %s, %i minutes in (due %p): %s, %i left', (item, tier, after, due, state, left) => {
    const c = slaClock(item, tier, since, at(after), due === null ? null : at(due));
    expect(c.state).toBe(state);
    expect(c.minutesLeft).toBe(left);
  });
});

describe('inboxOrder', () => {
  it('puts platinum first, then gold, then standard, oldest first within a tier', () => {
    const items = [
      { id: 'std-old', tier: 'standard', since: at(0) },
      { id: 'gold-new', tier: 'gold', since: at(30) },
      { id: 'plat-new', tier: 'platinum', since: at(20) },
      { id: 'gold-old', tier: 'gold', since: at(5) },
      { id: 'plat-old', tier: 'platinum', since: at(10) },
    ] as const;
    expect(inboxOrder(items).map((i) => i.id)).toEqual(['plat-old', 'plat-new', 'gold-old', 'gold-new', 'std-old']);
  });
});
