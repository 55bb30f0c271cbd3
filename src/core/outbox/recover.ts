import { sql } from 'kysely';
import type { Db } from '../../db/schema';
import { idIn } from '../../db/partitions';

/**
 * Settles rows left in `sending` by a worker that died (lease passed): never handed to a
 * transport → back to `queued` (the attempt is given back); handed → `unknown`, never resent
 * blindly (a receipt can still settle it). Returns how many of each.
 */
export async function recoverExpiredLeases(db: Db, now: Date): Promise<{ requeued: number; unknown: number }> {
  const { rows } = await sql<{ status: string }>`
    UPDATE outbound_messages
       SET status = CASE WHEN handed_at IS NULL THEN 'queued' ELSE 'unknown' END,
           attempts = CASE WHEN handed_at IS NULL THEN greatest(attempts - 1, 0) ELSE attempts END,
           last_error = CASE WHEN handed_at IS NULL THEN last_error
                             ELSE 'lease expired after hand-off: outcome unknown' END,
           locked_until = NULL, updated_at = now()
     WHERE status = 'sending' AND locked_until < ${now}
 RETURNING status`.execute(db);
  return {
    requeued: rows.filter((r) => r.status === 'queued').length,
    unknown: rows.filter((r) => r.status === 'unknown').length,
  };
}

/**
 * Extends the lease of rows this process still holds (waiting in a slow throttle, or being sent), so
 * the lease sweep of this or another process does not take them for abandoned.
 */
export async function extendLeases(db: Db, ids: number[], lockedUntil: Date): Promise<void> {
  if (ids.length === 0) return;
  await sql`UPDATE outbound_messages SET locked_until = ${lockedUntil} WHERE ${idIn('id', ids)} AND status = 'sending'`.execute(db);
}
