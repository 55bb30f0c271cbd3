import type { Db } from '../../db/schema';
import type { ClaimedMessage } from './claim';
import { sql } from 'kysely';
import { PAUSED_UNTIL } from '../campaigns/control';
import { marketingFacts } from './facts';
import type { DispatcherOptions } from './options';
import { marketingVerdict } from './policy';
import type { FinalOutcome, Requeue } from './settle';
import type { DestinationWindow } from './window';

/**
 * The delivery policies for a claimed batch: expiry for every class; consent, opt-out, the weekly
 * cap and quiet hours for marketing; the per-number minute cap for transactional and service.
 * A campaign's text waits while its campaign is paused and is blocked once it is cancelled.
 * Returns the rows that may go; the others are added to `finals` or `requeues`.
 */
export async function admit(
  db: Db,
  rows: ClaimedMessage[],
  now: Date,
  opts: Pick<DispatcherOptions, 'quietHours' | 'marketingWeeklyCap'>,
  perDestination: DestinationWindow,
  finals: FinalOutcome[],
  requeues: Requeue[],
): Promise<ClaimedMessage[]> {
  const ready: ClaimedMessage[] = [];
  const marketing = rows.filter((r) => r.class === 'marketing');
  const facts = await marketingFacts(db, [...new Set(marketing.map((r) => r.customer_id).filter((id): id is number => id !== null))], now);
  const campaigns = await campaignStatuses(db, [...new Set(marketing.map((r) => r.campaign_id).filter((id): id is number => id !== null))]);
  for (const row of rows) {
    if (row.expires_at && row.expires_at <= now) {
      finals.push({ id: row.id, status: 'expired', reason: 'validity passed before sending' });
      continue;
    }
    const campaign = row.campaign_id === null ? undefined : campaigns.get(row.campaign_id);
    if (campaign === 'cancelled') {
      finals.push({ id: row.id, status: 'blocked', reason: 'campaign cancelled' });
      continue;
    }
    if (campaign === 'paused') {
      requeues.push({ id: row.id, notBefore: PAUSED_UNTIL, reason: 'campaign paused', refund: true });
      continue;
    }
    if (row.class === 'marketing') {
      const f = row.customer_id === null ? undefined : facts.get(row.customer_id);
      const verdict = marketingVerdict(f, now, opts.quietHours, opts.marketingWeeklyCap);
      if (verdict.action === 'block') {
        finals.push({ id: row.id, status: 'blocked', reason: verdict.reason });
        continue;
      }
      if (verdict.action === 'defer') {
        requeues.push({ id: row.id, notBefore: verdict.until, reason: `deferred: ${verdict.reason}`, refund: true });
        continue;
      }
      f!.sentThisWeek++;
    }
    // Marketing has its own weekly cap; security always goes. The per-minute guard is for the rest.
    const guarded = row.class === 'transactional' || row.class === 'service';
    if (guarded && !perDestination.tryTake(row.to_number, now.getTime())) {
      requeues.push({ id: row.id, notBefore: new Date(now.getTime() + 60_000), reason: 'deferred: per-number cap', refund: true });
      continue;
    }
    ready.push(row);
  }
  return ready;
}

/** The status of each campaign of a batch (none read when the batch has no campaign text). */
async function campaignStatuses(db: Db, ids: number[]): Promise<Map<number, string>> {
  if (ids.length === 0) return new Map();
  const { rows } = await sql<{ id: number; status: string }>`SELECT id, status FROM campaigns WHERE id = ANY(${ids}::int[])`.execute(db);
  return new Map(rows.map((r) => [r.id, r.status]));
}
