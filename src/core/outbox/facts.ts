import { sql } from 'kysely';
import type { Db } from '../../db/schema';
import type { MarketingFacts } from './policy';

/** Consent, opt-out, time zone and the week's marketing count for each customer of a batch, in one query. */
export async function marketingFacts(db: Db, customerIds: number[], now: Date): Promise<Map<number, MarketingFacts>> {
  if (customerIds.length === 0) return new Map();
  const weekAgo = new Date(now.getTime() - 7 * 24 * 3600_000);
  const { rows } = await sql<{ id: number; consent: boolean; suppressed: boolean; time_zone: string; sent: number }>`
    SELECT c.id, c.marketing_consent AND c.closed_at IS NULL AS consent, (s.mobile IS NOT NULL) AS suppressed, c.time_zone,
           (SELECT count(*)::int FROM outbound_messages o
             WHERE o.customer_id = c.id AND o.class = 'marketing' AND o.sent_at > ${weekAgo}) AS sent
      FROM customers c LEFT JOIN suppressions s ON s.mobile = c.mobile
     WHERE c.id = ANY(${customerIds}::int[])`.execute(db);
  return new Map(rows.map((r) => [r.id, { consent: r.consent, suppressed: r.suppressed, timeZone: r.time_zone, sentThisWeek: r.sent }]));
}
