import type { Selectable } from 'kysely';
import type { Db, PendingConfirmationsTable } from '../db/schema';
import { newRef } from './refs';

/** A quoted action as stored. */
export type Confirmation = Selectable<PendingConfirmationsTable>;

/** A new quote: what it is, for whom, what it would do. */
export interface NewConfirmation {
  customerId: number;
  phone: string;
  kind: string;
  cardId: number | null;
  payload: Record<string, unknown>;
  expiresAt: Date;
}

/**
 * Stores a quote with a 4-digit reference not used by the customer's other pending confirmations
 * nor by `taken` (their pending transaction checks), so `Y <ref>` names one thing.
 */
export async function insertConfirmation(db: Db, c: NewConfirmation, now: Date, taken: ReadonlySet<string>): Promise<Confirmation> {
  const pending = await db.selectFrom('pending_confirmations').select('ref').where('customer_id', '=', c.customerId).where('state', '=', 'pending').execute();
  const used = new Set([...taken, ...pending.map((p) => p.ref)]);
  let ref = newRef(4);
  while (used.has(ref)) ref = newRef(4);
  return db
    .insertInto('pending_confirmations')
    .values({
      customer_id: c.customerId,
      phone: c.phone,
      kind: c.kind,
      ref,
      card_id: c.cardId,
      payload: JSON.stringify(c.payload),
      created_at: now,
      expires_at: c.expiresAt,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** A customer's confirmations still pending (expired ones included), oldest first, locked for an answer. */
export async function pendingConfirmationsForUpdate(db: Db, customerId: number): Promise<Confirmation[]> {
  return db
    .selectFrom('pending_confirmations')
    .selectAll()
    .where('customer_id', '=', customerId)
    .where('state', '=', 'pending')
    .orderBy('id')
    .forUpdate()
    .execute();
}

/** Whether the customer had a confirmation (with this ref, when given) that lapsed in the last day. */
export async function recentlyLapsed(db: Db, customerId: number, ref: string | undefined, now: Date): Promise<boolean> {
  let q = db
    .selectFrom('pending_confirmations')
    .select('id')
    .where('customer_id', '=', customerId)
    .where('expires_at', '<=', now)
    .where('expires_at', '>', new Date(now.getTime() - 86_400_000))
    .where('state', 'in', ['pending', 'expired']);
  if (ref) q = q.where('ref', '=', ref);
  return (await q.executeTakeFirst()) !== undefined;
}

/** Marks lapsed confirmations expired (they can no longer be confirmed). */
export async function expireConfirmations(db: Db, ids: number[]): Promise<void> {
  if (ids.length > 0) await db.updateTable('pending_confirmations').set({ state: 'expired' }).where('id', 'in', ids).where('state', '=', 'pending').execute();
}

/** Records the customer's answer to a pending confirmation. */
export async function answerConfirmation(db: Db, id: number, state: 'confirmed' | 'cancelled', at: Date): Promise<void> {
  await db.updateTable('pending_confirmations').set({ state, answered_at: at }).where('id', '=', id).where('state', '=', 'pending').execute();
}
