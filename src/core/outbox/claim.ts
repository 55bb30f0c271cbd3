import { sql } from 'kysely';
import type { Db, OutboundMessage } from '../../db/schema';

/** The columns a worker needs to send a claimed message. */
export type ClaimedMessage = Pick<
  OutboundMessage,
  'id' | 'channel' | 'to_number' | 'customer_id' | 'class' | 'priority' | 'body' | 'attempts' | 'segments' | 'expires_at' | 'concat_ref' | 'campaign_id'
> & {
  /** The recipient customer's tier (a transport may pick a sender by it). */
  tier: string | null;
  /** Transports this number may not be texted through (route_blocks). */
  blocked: string[];
  /** Parts of a long message accepted by an earlier attempt, as [part number, provider id] (only with `concat_ref`). */
  parts_accepted: [number, string][] | null;
};

/** What a claim returns of a row `o` of outbound_messages: the ClaimedMessage columns. */
export const CLAIMED_COLUMNS = sql`o.id, o.channel, o.to_number, o.customer_id, o.class, o.priority, o.body, o.attempts,
  o.segments, o.expires_at, o.campaign_id, (SELECT c.tier FROM customers c WHERE c.id = o.customer_id) AS tier,
  ARRAY(SELECT b.channel FROM route_blocks b WHERE b.to_number = o.to_number) AS blocked, o.concat_ref,
  CASE WHEN o.concat_ref IS NOT NULL THEN (SELECT json_agg(json_build_array(p.part_no, p.provider_id)) FROM outbound_parts p WHERE p.outbound_id = o.id) END AS parts_accepted`;

/**
 * Claims up to `batch` due messages for this worker (graphile-worker style): the oldest of the most
 * urgent class first, rows other workers hold are skipped, each claimed row becomes `sending`
 * with a lease (`= ANY(…)` keeps the update on the primary key — a join made the planner scan the
 * whole table — and the ids' range lets the executor skip the month partitions they are not in). Each row comes with its customer's tier and its blocked routes, read in
 * the same statement. A worker that dies leaves its rows to `recoverExpiredLeases`. The priority range
 * picks a lane (urgent: security/transactional/service; bulk: marketing).
 */
export async function claimDue(
  db: Db,
  opts: { batch: number; leaseMs: number; now: Date; minPriority: number; maxPriority: number },
): Promise<ClaimedMessage[]> {
  const lockedUntil = new Date(opts.now.getTime() + opts.leaseMs);
  const { rows } = await sql<ClaimedMessage>`
    WITH c AS MATERIALIZED (
      SELECT array_agg(id) AS ids, min(id) AS low, max(id) AS high FROM (
        SELECT id FROM outbound_messages
         WHERE status = 'queued' AND not_before <= ${opts.now}
           AND priority BETWEEN ${opts.minPriority} AND ${opts.maxPriority}
         ORDER BY priority, not_before, id
         LIMIT ${opts.batch}
           FOR UPDATE SKIP LOCKED) due)
    UPDATE outbound_messages o
       SET status = 'sending', attempts = o.attempts + 1, locked_until = ${lockedUntil}, handed_at = NULL,
           updated_at = now()
     WHERE o.id = ANY((SELECT ids FROM c)::bigint[]) AND o.id BETWEEN (SELECT low FROM c) AND (SELECT high FROM c)
 RETURNING ${CLAIMED_COLUMNS}`.execute(db);
  return rows.sort((a, b) => a.priority - b.priority || a.id - b.id);
}
