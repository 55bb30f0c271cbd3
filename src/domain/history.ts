import { sql } from 'kysely';
import type { Db } from '../db/schema';
import { monthWindows } from '../db/partitions';

/** One message of a conversation. */
export type ConversationRow = { id: number; direction: 'in' | 'out'; at: Date; text: string; status: string; channel: string | null; detail: string | null };

/**
 * Every message from a customer's number and to the customer (or to the number, sent to no
 * customer), newest first (a reply before the text it answers when both carry the same instant,
 * then the later row first), with status; undefined for an unknown customer. Read a month at a
 * time, newest first, for the last six months, then all the older months at once, stopping as
 * soon as `limit` messages are found: an active customer's history reads this month's partitions
 * only, however many months are kept (bench:growth).
 */
export async function conversation(db: Db, externalId: string, limit: number): Promise<ConversationRow[] | undefined> {
  const customer = await db.selectFrom('customers').select(['id', 'mobile']).where('external_id', '=', externalId).executeTakeFirst();
  if (!customer) return undefined;
  const windows = monthWindows(new Date(), 6);
  const rows: ConversationRow[] = [];
  for (const w of windows) {
    rows.push(...(await conversationBetween(db, customer, limit, w.from, w.to)));
    if (rows.length >= limit) break;
  }
  return rows.sort(newestFirst).slice(0, limit);
}

const newestFirst = (a: ConversationRow, b: ConversationRow) =>
  b.at.getTime() - a.at.getTime() || (a.direction === b.direction ? 0 : a.direction === 'out' ? -1 : 1) || b.id - a.id;

/** A customer's messages with ids in [from, to) — one month's partitions, or all before a month. */
async function conversationBetween(db: Db, customer: { id: number; mobile: string }, limit: number, from: number, to: number) {
  const { rows } = await sql<ConversationRow>`
    (SELECT id, 'in' AS direction, received_at AS at, text, status, channel, command AS detail
       FROM inbound_messages WHERE from_number = ${customer.mobile} AND id >= ${from}::bigint AND id < ${to}::bigint
      ORDER BY received_at DESC LIMIT ${limit})
    UNION ALL
    (SELECT id, 'out', created_at, body, status, channel, template
       FROM outbound_messages WHERE customer_id = ${customer.id} AND id >= ${from}::bigint AND id < ${to}::bigint
      ORDER BY created_at DESC LIMIT ${limit})
    UNION ALL
    (SELECT id, 'out', created_at, body, status, channel, template
       FROM outbound_messages WHERE to_number = ${customer.mobile} AND customer_id IS NULL AND id >= ${from}::bigint AND id < ${to}::bigint
      ORDER BY created_at DESC LIMIT ${limit})`.execute(db);
  return rows;
}

/** Audit entries matching a filter, newest first. */
export async function searchAudit(db: Db, f: { actorType?: string; actor?: string; action?: string; since?: string; limit: number }) {
  let q = db.selectFrom('audit_log').selectAll().orderBy('id', 'desc').limit(f.limit);
  if (f.actorType) q = q.where('actor_type', '=', f.actorType as never);
  if (f.actor) q = q.where('actor_id', '=', f.actor);
  if (f.action) q = q.where('action', 'like', `${f.action.replace(/[%_]/g, '')}%`);
  if (f.since) q = q.where('at', '>=', new Date(f.since));
  return q.execute();
}
