import { CronExpressionParser } from 'cron-parser';
import { DateTime, IANAZone } from 'luxon';
import { z } from 'zod';

const zone = z.string().refine((tz) => IANAZone.isValidZone(tz), 'an IANA time zone such as Asia/Shanghai');
const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a time as HH:MM');

/**
 * When a campaign runs: `once` at a local date-time; `cron` on a cron expression (five fields);
 * `relative` every day at a local time, to the customers whose card was activated `days` before
 * (`activation`) or whose card's activation anniversary is `days` before (`card_anniversary`).
 */
export const scheduleSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('once'), at: z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/, 'a local date-time as YYYY-MM-DDTHH:MM'), timeZone: zone }),
  z.strictObject({
    kind: z.literal('cron'),
    cron: z.string().refine((c) => c.trim().split(/\s+/).length === 5 && cronValid(c), 'a cron expression of five fields, e.g. 0 10 * * 1'),
    timeZone: zone,
  }),
  z.strictObject({
    kind: z.literal('relative'),
    anchor: z.enum(['activation', 'card_anniversary']),
    days: z.number().int().min(0).max(366),
    at: hhmm,
    timeZone: zone,
  }),
]);

/** A validated schedule. */
export type Schedule = z.output<typeof scheduleSchema>;

function cronValid(expr: string): boolean {
  try {
    CronExpressionParser.parse(expr);
    return true;
  } catch {
    return false;
  }
}

/** The first run strictly after `after`, or null when there is none (a `once` time already past). */
export function nextRun(s: Schedule, after: Date): Date | null {
  if (s.kind === 'once') {
    const at = DateTime.fromISO(s.at, { zone: s.timeZone });
    return at.isValid && at.toMillis() > after.getTime() ? at.toJSDate() : null;
  }
  if (s.kind === 'cron') return CronExpressionParser.parse(s.cron, { currentDate: after, tz: s.timeZone }).next().toDate();
  const [h, m] = s.at.split(':').map(Number);
  const local = DateTime.fromJSDate(after, { zone: s.timeZone });
  const today = local.set({ hour: h, minute: m, second: 0, millisecond: 0 });
  return (today.toMillis() > after.getTime() ? today : today.plus({ days: 1 })).toJSDate();
}

/** For a relative schedule's run at `slot`, the local date the anchor must fall on (YYYY-MM-DD). */
export function anchorDate(s: Extract<Schedule, { kind: 'relative' }>, slot: Date): string {
  return DateTime.fromJSDate(slot, { zone: s.timeZone }).minus({ days: s.days }).toISODate()!;
}
