/** A dashboard's date range as typed (YYYY-MM-DD, both days included), or why it is refused. */
export type ParsedRange = { from: Date; to: Date; fromDay: string; toDay: string } | { problem: string };

const DAY = 86_400_000;
/** The longest range the dashboard draws, in days. */
export const MAX_RANGE_DAYS = 92;

/**
 * Reads `from` and `to` days (UTC); either absent: the day before `now` to the day of `now`. The
 * result is half-open: from 00:00 of the first day to 00:00 after the last.
 */
export function parseRange(from: unknown, to: unknown, now: Date): ParsedRange {
  const today = now.toISOString().slice(0, 10);
  const toDay = typeof to === 'string' && to !== '' ? to : today;
  const fromDay = typeof from === 'string' && from !== '' ? from : new Date(Date.parse(`${toDay}T00:00:00Z`) - DAY).toISOString().slice(0, 10);
  for (const [name, day] of [
    ['from', fromDay],
    ['to', toDay],
  ]) {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(day) || Number.isNaN(Date.parse(`${day}T00:00:00Z`)) || new Date(`${day}T00:00:00Z`).toISOString().slice(0, 10) !== day)
      return { problem: `${name}: not a date (YYYY-MM-DD)` };
  }
  const start = new Date(`${fromDay}T00:00:00Z`);
  const end = new Date(Date.parse(`${toDay}T00:00:00Z`) + DAY);
  if (start >= end) return { problem: 'from: after to' };
  if (end.getTime() - start.getTime() > MAX_RANGE_DAYS * DAY) return { problem: `to: more than ${MAX_RANGE_DAYS} days after from` };
  return { from: start, to: end, fromDay, toDay };
}
