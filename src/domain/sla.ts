import type { Tier } from '../db/schema';
import { CALLBACK_HOURS, COMPLAINT_HOURS } from './services/rules';

const minutes = (hours: Readonly<Record<Tier, number>>): Record<Tier, number> => ({
  platinum: hours.platinum * 60,
  gold: hours.gold * 60,
  standard: hours.standard * 60,
});

/** What waits for an agent: a sign-up to confirm or a case of a kind. */
export type SlaItem = 'registration' | 'retention' | 'fraud' | 'callback' | 'complaint';

/** Minutes an agent has, by item and tier: platinum customers are answered first and sooner. */
export const SLA_MINUTES: Record<SlaItem, Record<Tier, number>> = {
  registration: { platinum: 60, gold: 240, standard: 1440 },
  retention: { platinum: 240, gold: 480, standard: 1440 },
  fraud: { platinum: 30, gold: 60, standard: 120 },
  // The hours the customer was told when the case opened (domain/services/rules.ts).
  callback: minutes(CALLBACK_HOURS),
  complaint: minutes(COMPLAINT_HOURS),
};

/** Where an item stands against its clock: `soon` is the last quarter of the time allowed. */
export type SlaState = 'ok' | 'soon' | 'breached';

/** An item's clock: when it is due, the minutes left (negative once overdue) and its state. */
export interface SlaClock {
  due: Date;
  minutesLeft: number;
  state: SlaState;
}

/** The SLA clock of an item that arrived at `since` (a case's own `due_at` wins over the table). */
export function slaClock(item: SlaItem, tier: Tier, since: Date, now: Date, dueAt?: Date | null): SlaClock {
  const allowed = SLA_MINUTES[item][tier];
  const due = dueAt ?? new Date(since.getTime() + allowed * 60_000);
  const minutesLeft = Math.floor((due.getTime() - now.getTime()) / 60_000);
  const window = Math.max(1, (due.getTime() - since.getTime()) / 60_000);
  const state: SlaState = minutesLeft < 0 ? 'breached' : minutesLeft <= window / 4 ? 'soon' : 'ok';
  return { due, minutesLeft, state };
}

const TIER_ORDER: Record<Tier, number> = { platinum: 0, gold: 1, standard: 2 };

/** Inbox order: platinum first, then gold, then standard; oldest first within a tier. */
export function inboxOrder<T extends { tier: Tier; since: Date }>(items: readonly T[]): T[] {
  return [...items].sort((a, b) => TIER_ORDER[a.tier] - TIER_ORDER[b.tier] || a.since.getTime() - b.since.getTime());
}
