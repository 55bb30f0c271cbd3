import { DateTime } from 'luxon';

/** Quiet hours as local wall-clock times (`21:00`–`08:00` wraps midnight). */
export interface QuietHours {
  start: string;
  end: string;
}

/** What the engine knows of a marketing recipient when it is about to send. */
export interface MarketingFacts {
  consent: boolean;
  suppressed: boolean;
  timeZone: string;
  /** Marketing texts sent to this customer in the last 7 days (including this batch so far). */
  sentThisWeek: number;
}

/** The policy outcome for one message. */
export type Verdict = { action: 'send' } | { action: 'block'; reason: string } | { action: 'defer'; until: Date; reason: string };

const minutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/** When `now` falls in quiet hours in `timeZone`, the instant they end; otherwise null. */
export function quietHoursEnd(now: Date, timeZone: string, quiet: QuietHours): Date | null {
  const local = DateTime.fromJSDate(now, { zone: timeZone });
  if (!local.isValid) return null;
  const t = local.hour * 60 + local.minute;
  const start = minutes(quiet.start);
  const end = minutes(quiet.end);
  if (start === end) return null;
  const inside = start < end ? t >= start && t < end : t >= start || t < end;
  if (!inside) return null;
  const endToday = local.set({ hour: Math.floor(end / 60), minute: end % 60, second: 0, millisecond: 0 });
  return (t < end ? endToday : endToday.plus({ days: 1 })).toJSDate();
}

/**
 * Whether a marketing text may go now: only to a customer who consented and has not opted out,
 * under the weekly cap, and outside quiet hours in the customer's own time zone (else deferred to
 * their end). Security, transactional and service messages never come here.
 */
export function marketingVerdict(facts: MarketingFacts | undefined, now: Date, quiet: QuietHours, weeklyCap: number): Verdict {
  if (!facts) return { action: 'block', reason: 'no customer record: marketing needs consent' };
  if (facts.suppressed) return { action: 'block', reason: 'opted out (STOP/TD)' };
  if (!facts.consent) return { action: 'block', reason: 'no marketing consent' };
  if (facts.sentThisWeek >= weeklyCap) return { action: 'block', reason: `weekly cap of ${weeklyCap} reached` };
  const until = quietHoursEnd(now, facts.timeZone, quiet);
  if (until) return { action: 'defer', until, reason: `quiet hours in ${facts.timeZone}` };
  return { action: 'send' };
}
