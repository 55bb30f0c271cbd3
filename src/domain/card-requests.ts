import { randomUUID } from 'node:crypto';
import type { Selectable } from 'kysely';
import type { CardRequestsTable, Db } from '../db/schema';
import type { Confirmation } from './confirmations';

/** A request to the card system as stored. */
export type CardRequest = Selectable<CardRequestsTable>;

/** What the card system answered: done (with values for the customer's text) or declined (with a reason code). */
export type CardOutcome = { status: 'done'; values?: Record<string, string | number> } | { status: 'declined'; reason?: string };

/** Records the request of a confirmed action, in the confirmation's transaction, with a fresh idempotency key. */
export async function insertCardRequest(db: Db, c: Confirmation, now: Date): Promise<CardRequest> {
  return db
    .insertInto('card_requests')
    .values({
      idempotency_key: randomUUID(),
      confirmation_id: c.id,
      customer_id: c.customer_id,
      card_id: c.card_id,
      kind: c.kind,
      payload: JSON.stringify({ ...c.payload, ref: c.ref }),
      next_attempt_at: now,
      created_at: now,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/**
 * Claims up to `limit` due requests (queued, or sending with a lapsed lease: a process died mid-send)
 * with SKIP LOCKED, leasing each for `leaseMs`; each is then sent once by one process.
 */
export async function claimCardRequests(db: Db, now: Date, limit: number, leaseMs: number): Promise<CardRequest[]> {
  return db
    .updateTable('card_requests')
    .set((eb) => ({ status: 'sending', lease_until: new Date(now.getTime() + leaseMs), attempts: eb('attempts', '+', 1) }))
    .where('id', 'in', (eb) =>
      eb
        .selectFrom('card_requests')
        .select('id')
        .where('next_attempt_at', '<=', now)
        .where((w) => w.or([w('status', '=', 'queued'), w.and([w('status', '=', 'sending'), w('lease_until', '<', now)])]))
        .orderBy('next_attempt_at')
        .limit(limit)
        .forUpdate()
        .skipLocked(),
    )
    .returningAll()
    .execute();
}

/** The request with this idempotency key, locked (a callback settles it). */
export async function cardRequestByKey(db: Db, key: string): Promise<CardRequest | undefined> {
  return db.selectFrom('card_requests').selectAll().where('idempotency_key', '=', key).forUpdate().executeTakeFirst();
}

/** Settles a request with the card system's answer; false when it was settled already. */
export async function settleCardRequest(db: Db, id: number, outcome: CardOutcome, now: Date): Promise<boolean> {
  const row = await db
    .updateTable('card_requests')
    .set({ status: outcome.status, outcome: JSON.stringify(outcome), answered_at: now, lease_until: null })
    .where('id', '=', id)
    .where('status', 'in', ['queued', 'sending', 'waiting'])
    .returning('id')
    .executeTakeFirst();
  return row !== undefined;
}

/** The card system took the request and will call back. */
export async function markWaiting(db: Db, id: number): Promise<void> {
  await db.updateTable('card_requests').set({ status: 'waiting', lease_until: null }).where('id', '=', id).where('status', '=', 'sending').execute();
}

/** A failed send: tried again after `retryAt`, or (none) given up. */
export async function failCardRequest(db: Db, id: number, error: string, retryAt: Date | null): Promise<void> {
  await db
    .updateTable('card_requests')
    .set(
      retryAt
        ? { status: 'queued', next_attempt_at: retryAt, last_error: error, lease_until: null }
        : { status: 'failed', last_error: error, lease_until: null },
    )
    .where('id', '=', id)
    .where('status', '=', 'sending')
    .execute();
}

/** The wait before attempt `attempts + 1`: 30 s doubling, at most an hour. */
export function cardRequestBackoffMs(attempts: number): number {
  return Math.min(3_600_000, 30_000 * 2 ** Math.max(0, attempts - 1));
}
