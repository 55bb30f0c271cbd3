import { sql } from 'kysely';
import { columns } from '../../db/columns';
import { prepared } from '../../db/connection';
import type { Db, InboundMessage } from '../../db/schema';
import { type SenderColumns, senderColumns } from '../../domain/accounts';
import { type AuditEntry, auditRow } from '../../domain/audit';
import type { ClaimedMessage } from '../outbox/claim';
import type { Outbox, OutgoingMessage } from '../outbox/outbox';
import { byPosition, idIn } from '../../db/partitions';

/** A recorded text as a batch reads it: with its rate-limit counts and its sender's accounts. */
export type BatchText = InboundMessage &
  SenderColumns & {
    /** Texts from this number in the last minute up to this one. */
    recent: number;
    /** Texts from this number in the last 24 hours up to this one, counted to `dayCap` at most. */
    today: number;
    /** Whether an earlier text from this number, outside this batch, is still unhandled (read only without the lock). */
    behind: boolean;
  };

/** The rate limits' windows: the start of the minute and of the day, and how far a day's count need go. */
export interface RateWindows {
  minute: Date;
  day: Date;
  /** The daily budget plus one: past it, the exact count no longer matters (and is not read). */
  dayCap: number;
}

/**
 * Texts from `m`'s number in the 24 hours before `w.day` with ids up to `m`'s (`<=`) or before it
 * (`<`), counted to `w.dayCap` at most: the range read stays small whatever a number sends.
 */
export function textsToday(w: RateWindows, upTo: '<' | '<=') {
  return sql`(SELECT count(*)::int FROM (SELECT 1 FROM inbound_messages d
               WHERE d.from_number = m.from_number AND d.received_at > ${w.day} AND d.id ${sql.raw(upTo)} m.id LIMIT ${w.dayCap}) c)`;
}

/** What handling one text decided: its mark. */
export type Mark = Pick<InboundMessage, 'id' | 'customer_id' | 'staff_id' | 'status' | 'command'>;

/**
 * Reads the texts `ids` still `received`, oldest first, in one statement. With `lock` (in the
 * caller's transaction) each sender is locked first, in one order so two batches cannot deadlock,
 * and the texts are row-locked: one sender's texts are handled one at a time (activation attempts
 * and LANG stay exact). Without, nothing waits (answers that write nothing).
 */
export async function readTexts(db: Db, ids: readonly number[], w: RateWindows, lock: boolean): Promise<BatchText[]> {
  const idList = [...ids];
  const locks = lock
    ? sql`WITH locks AS MATERIALIZED (
            SELECT pg_advisory_xact_lock(k) FROM (
              SELECT DISTINCT hashtext(from_number) AS k FROM inbound_messages
               WHERE ${idIn('id', idList)} AND status = 'received' ORDER BY k OFFSET 0) t)`
    : sql``;
  const { rows } = await sql<BatchText>`
    ${locks}
    SELECT m.*, (SELECT count(*)::int FROM inbound_messages i
                  WHERE i.from_number = m.from_number AND i.received_at > ${w.minute} AND i.id <= m.id) AS recent,
           ${textsToday(w, '<=')} AS today,
           ${
             lock
               ? sql`false`
               : sql`EXISTS (SELECT 1 FROM inbound_messages p
                    WHERE p.from_number = m.from_number AND p.status = 'received' AND p.id < m.id
                      AND p.id <> ALL(${idList}::bigint[]))`
           } AS behind,
           ${senderColumns('m.from_number')}
      FROM inbound_messages m
     WHERE ${idIn('m.id', idList)} AND m.status = 'received' ${lock ? sql`AND (SELECT count(*) FROM locks) >= 0` : sql``}
     ORDER BY m.id
     ${lock ? sql`FOR UPDATE OF m` : sql``}`.execute(db);
  return rows;
}

/**
 * Writes a batch's outcome in one statement: marks the texts (only those still `received`: a text
 * another worker finished first is left alone), and for the texts it marked, their audit rows and
 * replies (`lockedUntil`: queued already claimed, see Outbox.insert). Returns the replies queued
 * and the ids of the texts it marked.
 */
export async function writeOutcomes(
  db: Db,
  outbox: Outbox,
  batch: { marks: Mark[]; audits: { inboundId: number; entry: AuditEntry }[]; replies: OutgoingMessage[] },
  now: Date,
  lockedUntil: Date | null,
): Promise<{ claimed: ClaimedMessage[]; marked: number[] }> {
  const mark = columns(batch.marks);
  const entry = columns(batch.audits.map((a) => ({ ...auditRow(a.entry), inbound_id: a.inboundId })));
  const ids = batch.marks.map((m) => m.id);
  const pick = byPosition('m.id', ids);
  const status = pick('text', mark('status'));
  const command = pick('text', mark('command'));
  const customerId = pick('int', mark('customer_id'));
  const staffId = pick('int', mark('staff_id'));
  const ctes = sql`
    marked AS (
      UPDATE inbound_messages m
         SET status = ${status}, command = ${command}, customer_id = ${customerId}, staff_id = ${staffId}, processed_at = ${now}
       WHERE ${idIn('m.id', ids)} AND m.status = 'received'
   RETURNING m.id),
    audited AS (
      INSERT INTO audit_log (actor_type, actor_id, channel, action, subject, details)
      SELECT a.actor_type, a.actor_id, a.channel, a.action, a.subject, a.details
        FROM unnest(${entry('actor_type')}::text[], ${entry('actor_id')}::text[], ${entry('channel')}::text[],
                    ${entry('action')}::text[], ${entry('subject')}::text[], ${entry('details')}::jsonb[], ${entry('inbound_id')}::bigint[])
             AS a(actor_type, actor_id, channel, action, subject, details, inbound_id)
       WHERE a.inbound_id IN (SELECT id FROM marked))`;
  // Every claimed reply with the ids of the texts marked (a left join: marked texts with no reply
  // still come back, as one row with no reply).
  type Row = ClaimedMessage & { marked: number[] | null };
  const finish = sql<Row>`SELECT i.*, m.marked FROM (SELECT array_agg(id) AS marked FROM marked) m LEFT JOIN ins i ON true`;
  const where = sql`r.inbound_id IN (SELECT id FROM marked)`;
  const { rows } = await sql<Row>`${prepared} ${outbox.insert(batch.replies, now, lockedUntil, where, ctes, finish)}`.execute(db);
  return { claimed: rows.filter((r) => r.id !== null).map(({ marked: _marked, ...r }) => r), marked: (rows[0]?.marked ?? []).map(Number) };
}
