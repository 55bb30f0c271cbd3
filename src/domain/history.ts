import { sql } from 'kysely';
import type { Db } from '../db/schema';

/**
 * Every message from a customer's number and to the customer (or to the number, sent to no customer), newest first (a reply before the text it answers
 * when both carry the same instant, then the later row first), with status; undefined for an unknown customer. Each part reads
 * one index per month partition (outbound_customer_idx, outbound_stranger_idx, inbound_from_idx).
 */
export async function conversation(db: Db, externalId: string, limit: number) {
  const customer = await db.selectFrom('customers').select(['id', 'mobile']).where('external_id', '=', externalId).executeTakeFirst();
  if (!customer) return undefined;
  const { rows } = await sql<{ id: number; direction: 'in' | 'out'; at: Date; text: string; status: string; channel: string | null; detail: string | null }>`
    (SELECT id, 'in' AS direction, received_at AS at, text, status, channel, command AS detail
       FROM inbound_messages WHERE from_number = ${customer.mobile} ORDER BY received_at DESC LIMIT ${limit})
    UNION ALL
    (SELECT id, 'out', created_at, body, status, channel, template
       FROM outbound_messages WHERE customer_id = ${customer.id}
      ORDER BY created_at DESC LIMIT ${limit})
    UNION ALL
    (SELECT id, 'out', created_at, body, status, channel, template
       FROM outbound_messages WHERE to_number = ${customer.mobile} AND customer_id IS NULL
      ORDER BY created_at DESC LIMIT ${limit})
    ORDER BY at DESC, direction DESC, id DESC LIMIT ${limit}`.execute(db);
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
