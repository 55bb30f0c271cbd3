import { sql } from 'kysely';
import type { Db } from '../../db/schema';

/** A send the transport accepted. */
export interface SentResult {
  id: number;
  channel: string;
  providerId: string;
  /** One id per part when the provider gives them (SMPP multi-part). */
  partIds?: string[];
}

/** Marks a batch as handed to transports, in one statement, just before the sends start. */
export async function markHanded(db: Db, ids: number[], now: Date): Promise<void> {
  if (ids.length === 0) return;
  await sql`UPDATE outbound_messages SET handed_at = ${now} WHERE id = ANY(${ids}::bigint[]) AND status = 'sending'`.execute(db);
}

/**
 * Marks accepted sends `sent` in one statement (only rows this worker still holds move) and
 * records the ids of multi-part messages' parts for their receipts.
 */
export async function markSent(db: Db, results: SentResult[], now: Date): Promise<void> {
  if (results.length === 0) return;
  await sql`
    UPDATE outbound_messages o
       SET status = 'sent', channel = r.channel, provider_id = r.provider_id, sent_at = ${now},
           locked_until = NULL, updated_at = now()
      FROM unnest(${results.map((r) => r.id)}::bigint[], ${results.map((r) => r.channel)}::text[],
                  ${results.map((r) => r.providerId)}::text[]) AS r(id, channel, provider_id)
     WHERE o.id = r.id AND o.status = 'sending'`.execute(db);
  const parts = results.flatMap((r) =>
    r.partIds && r.partIds.length > 1 ? r.partIds.map((pid, i) => ({ outbound_id: r.id, part_no: i + 1, channel: r.channel, provider_id: pid })) : [],
  );
  if (parts.length > 0) {
    await db.insertInto('outbound_parts').values(parts).onConflict((oc) => oc.columns(['outbound_id', 'part_no']).doNothing()).execute();
  }
}

/** Ends a message in a final state without sending (`failed`, `expired`, `blocked`, `unknown`). */
export async function markFinal(
  db: Db,
  id: number,
  status: 'failed' | 'expired' | 'blocked' | 'unknown',
  reason: string,
  channel: string | null = null,
): Promise<void> {
  await sql`
    UPDATE outbound_messages
       SET status = ${status}, last_error = ${reason}, channel = coalesce(${channel}, channel),
           locked_until = NULL, settled_at = CASE WHEN ${status} = 'unknown' THEN NULL ELSE now() END,
           updated_at = now()
     WHERE id = ${id} AND status = 'sending'`.execute(db);
}

/**
 * Puts a message back in the queue to be tried at `notBefore`. `refund` gives the attempt back
 * (deferred by policy, throttled, no route up: not the message's failure).
 */
export async function requeue(db: Db, id: number, notBefore: Date, reason: string | null, refund = false): Promise<void> {
  await sql`
    UPDATE outbound_messages
       SET status = 'queued', not_before = ${notBefore}, last_error = coalesce(${reason}, last_error),
           attempts = attempts - ${refund ? 1 : 0}, locked_until = NULL, handed_at = NULL, updated_at = now()
     WHERE id = ${id} AND status = 'sending'`.execute(db);
}
