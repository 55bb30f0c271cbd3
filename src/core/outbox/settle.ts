import { type Kysely, sql } from 'kysely';
import { prepared } from '../../db/connection';
import type { Database, Db } from '../../db/schema';
import type { PartsAccepted } from '../../transport/types';
import { outboundTotal, replyLatency, secondsSince } from '../../shared/metrics';
import { byPosition, idIn } from '../../db/partitions';
import { columns } from '../../db/columns';

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
  await sql`${prepared} UPDATE outbound_messages SET handed_at = ${now} WHERE ${idIn('id', ids)} AND status = 'sending'`.execute(db);
}

/**
 * Marks accepted sends `sent` in one statement (only rows this worker still holds move) and
 * records the ids of multi-part messages' parts for their receipts, in one transaction: a receipt
 * must never find the message's id without its parts (it would settle the whole message).
 */
export async function markSent(db: Kysely<Database>, results: SentResult[], now: Date): Promise<void> {
  if (results.length === 0) return;
  // Without multi-part messages it is one statement, atomic by itself.
  if (results.every((r) => !r.partIds || r.partIds.length < 2)) return markSentIn(db, results, now);
  await db.transaction().execute((trx) => markSentIn(trx, results, now));
}

async function markSentIn(db: Db, results: SentResult[], now: Date): Promise<void> {
  const ids = results.map((r) => r.id);
  const pick = byPosition('o.id', ids);
  const col = columns(results);
  const channel = pick('text', col('channel'));
  const providerId = pick('text', col('providerId'));
  const { rows } = await sql<{ class: string; channel: string; received_at: Date | null }>`
    UPDATE outbound_messages o
       SET status = 'sent', channel = ${channel}, provider_id = ${providerId}, sent_at = ${now}, locked_until = NULL, updated_at = now()
     WHERE ${idIn('o.id', ids)} AND o.status IN ('sending', 'unknown')
 RETURNING o.class, o.channel, (SELECT i.received_at FROM inbound_messages i WHERE i.id = o.inbound_id) AS received_at`.execute(db);
  for (const r of rows) {
    outboundTotal.inc({ channel: r.channel, class: r.class, status: 'sent' });
    if (r.received_at) replyLatency.observe(secondsSince(r.received_at, now.getTime()));
  }
  const parts = results.flatMap((r) =>
    r.partIds && r.partIds.length > 1 ? r.partIds.map((pid, i) => ({ outbound_id: r.id, part_no: i + 1, channel: r.channel, provider_id: pid })) : [],
  );
  if (parts.length > 0) {
    await db
      .insertInto('outbound_parts')
      .values(parts)
      .onConflict((oc) => oc.columns(['outbound_id', 'part_no']).doNothing())
      .execute();
  }
}

/** A message to end without sending. */
export interface FinalOutcome {
  id: number;
  status: 'failed' | 'expired' | 'blocked' | 'unknown';
  reason: string;
  channel?: string | null;
}

/** A message to put back in the queue; `refund` gives the attempt back (not the message's failure). */
export interface Requeue {
  id: number;
  notBefore: Date;
  reason: string | null;
  refund?: boolean;
}

/** Ends messages in a final state without sending (`failed`, `expired`, `blocked`, `unknown`), in one statement. */
export async function markFinalMany(db: Db, outcomes: FinalOutcome[]): Promise<void> {
  if (outcomes.length === 0) return;
  const ids = outcomes.map((f) => f.id);
  const pick = byPosition('o.id', ids);
  const col = columns(outcomes.map((f) => ({ ...f, channel: f.channel ?? null })));
  const status = pick('text', col('status'));
  const reason = pick('text', col('reason'));
  const channel = pick('text', col('channel'));
  const { rows } = await sql<{ class: string; channel: string | null; status: string }>`
    UPDATE outbound_messages o
       SET status = ${status}, last_error = ${reason}, channel = coalesce(${channel}, o.channel), locked_until = NULL,
           settled_at = CASE WHEN ${status} = 'unknown' THEN NULL ELSE now() END, updated_at = now()
     WHERE ${idIn('o.id', ids)} AND o.status = 'sending'
 RETURNING o.class, o.channel, o.status`.execute(db);
  for (const r of rows) outboundTotal.inc({ channel: r.channel ?? 'none', class: r.class, status: r.status });
}

/** Ends one message in a final state. */
export function markFinal(db: Db, id: number, status: FinalOutcome['status'], reason: string, channel: string | null = null): Promise<void> {
  return markFinalMany(db, [{ id, status, reason, channel }]);
}

/** Puts messages back in the queue, in one statement. */
export async function requeueMany(db: Db, items: Requeue[]): Promise<void> {
  if (items.length === 0) return;
  const ids = items.map((r) => r.id);
  const pick = byPosition('o.id', ids);
  const col = columns(items.map((r) => ({ ...r, refund: r.refund ? 1 : 0 })));
  const notBefore = pick('timestamptz', col('notBefore'));
  const reason = pick('text', col('reason'));
  const refund = pick('int', col('refund'));
  await sql`
    UPDATE outbound_messages o
       SET status = 'queued', not_before = ${notBefore}, last_error = coalesce(${reason}, o.last_error),
           attempts = o.attempts - ${refund}, locked_until = NULL, handed_at = NULL, updated_at = now()
     WHERE ${idIn('o.id', ids)} AND o.status = 'sending'`.execute(db);
}

/** Puts one message back in the queue to be tried at `notBefore`. */
export function requeue(db: Db, id: number, notBefore: Date, reason: string | null, refund = false): Promise<void> {
  return requeueMany(db, [{ id, notBefore, reason, refund }]);
}

/**
 * Records the parts of a long message the provider accepted before it refused one (and the
 * concatenation reference they went with), in one statement: the next attempt sends only the
 * others, and receipts for these parts find them.
 */
export async function recordAcceptedParts(db: Db, id: number, channel: string, progress: PartsAccepted): Promise<void> {
  const parts = [...progress.accepted];
  await sql`
    WITH m AS (UPDATE outbound_messages SET concat_ref = ${progress.ref} WHERE id = ${id} RETURNING id)
    INSERT INTO outbound_parts (outbound_id, part_no, channel, provider_id)
    SELECT m.id, p.part_no, ${channel}, p.provider_id
      FROM m, unnest(${parts.map(([no]) => no)}::smallint[], ${parts.map(([, pid]) => pid)}::text[]) AS p(part_no, provider_id)
    ON CONFLICT DO NOTHING`.execute(db);
}

/** Marks a number unreachable through one transport (the provider said the recipient opted out there). */
export async function blockRoute(db: Db, to: string, channel: string, reason: string): Promise<void> {
  await db
    .insertInto('route_blocks')
    .values({ to_number: to, channel, reason })
    .onConflict((oc) => oc.doNothing())
    .execute();
}
