import { sql } from 'kysely';
import type { Db, OutboundMessage } from '../../db/schema';

/**
 * Claims up to `batch` due messages for this worker (graphile-worker style): the oldest of the most
 * urgent class first, rows other workers hold are skipped, each claimed row becomes `sending`
 * with a lease. A worker that dies leaves its rows to `recoverExpiredLeases`. The priority range
 * picks a lane (urgent: security/transactional/service; bulk: marketing).
 */
export async function claimDue(
  db: Db,
  opts: { batch: number; leaseMs: number; now: Date; minPriority: number; maxPriority: number },
): Promise<OutboundMessage[]> {
  const lockedUntil = new Date(opts.now.getTime() + opts.leaseMs);
  const { rows } = await sql<OutboundMessage>`
    UPDATE outbound_messages o
       SET status = 'sending', attempts = o.attempts + 1, locked_until = ${lockedUntil}, handed_at = NULL,
           updated_at = now()
      FROM (SELECT id FROM outbound_messages
             WHERE status = 'queued' AND not_before <= ${opts.now}
               AND priority BETWEEN ${opts.minPriority} AND ${opts.maxPriority}
             ORDER BY priority, not_before, id
             LIMIT ${opts.batch}
             FOR UPDATE SKIP LOCKED) due
     WHERE o.id = due.id
 RETURNING o.*`.execute(db);
  return rows.sort((a, b) => a.priority - b.priority || a.id - b.id);
}
