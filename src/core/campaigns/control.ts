import { sql } from 'kysely';
import type { Db, Staff } from '../../db/schema';
import { type CampaignChange, type CampaignChannel, moveCampaign } from '../../domain/campaigns/campaigns';

/** The not_before a paused campaign's queued texts wait at: no worker claims them until resumed. */
export const PAUSED_UNTIL = new Date('9999-01-01T00:00:00Z');

/**
 * Pauses, resumes or cancels a campaign and its queue in one transaction (the caller's): paused
 * texts wait at PAUSED_UNTIL; resumed ones are spaced again by the campaign's rate from `now`;
 * cancelled ones are blocked ("campaign cancelled") and unfinished runs end. Texts a worker has
 * claimed already are held back by `admit`, which reads the campaign's status.
 */
export async function controlCampaign(
  db: Db,
  id: number,
  move: 'pause' | 'resume' | 'cancel',
  staff: Staff,
  now: Date,
  channel: CampaignChannel = 'api',
): Promise<CampaignChange> {
  const change = await moveCampaign(db, id, move, staff, now, channel);
  if (change.kind !== 'done') return change;
  if (move === 'pause')
    await sql`UPDATE outbound_messages SET not_before = ${PAUSED_UNTIL}, updated_at = now() WHERE campaign_id = ${id} AND status = 'queued'`.execute(db);
  if (move === 'resume')
    await sql`
      UPDATE outbound_messages o SET not_before = ${now}::timestamptz + ((q.n - 1) / ${change.campaign.rate_per_second}) * interval '1 second', updated_at = now()
        FROM (SELECT id, row_number() OVER (ORDER BY id) AS n FROM outbound_messages WHERE campaign_id = ${id} AND status = 'queued') q
       WHERE o.id = q.id`.execute(db);
  if (move === 'cancel') {
    await sql`UPDATE outbound_messages SET status = 'blocked', last_error = 'campaign cancelled', settled_at = ${now}, updated_at = now()
               WHERE campaign_id = ${id} AND status = 'queued'`.execute(db);
    await db.updateTable('campaign_runs').set({ finished_at: now }).where('campaign_id', '=', id).where('finished_at', 'is', null).execute();
  }
  return change;
}
