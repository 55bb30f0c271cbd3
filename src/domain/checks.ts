import type { Card, Db, TransactionChecksTable } from '../db/schema';
import { maskCardNumbers } from './pan';
import type { Insertable } from 'kysely';

/** A card authorisation as stored. */
export type TransactionRow = { id: number; card_id: number; amount: number; currency: string; merchant: string; occurred_at: Date; country: string | null };

/** The card with this card-system id, if any. */
export async function cardByExternalId(db: Db, externalId: string): Promise<Card | undefined> {
  return db.selectFrom('cards').selectAll().where('external_id', '=', externalId).executeTakeFirst();
}

/** A card by id (it must exist). */
export async function cardById(db: Db, id: number): Promise<Card> {
  return db.selectFrom('cards').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
}

/** Stores an authorisation unless its id is known; returns the new row, or undefined for a repeat. */
export async function insertTransaction(
  db: Db,
  t: { externalId: string; cardId: number; amount: number; currency: string; merchant: string; occurredAt: string; createdAt: Date; country?: string | null },
): Promise<TransactionRow | undefined> {
  return db
    .insertInto('transactions')
    .values({
      external_id: t.externalId,
      card_id: t.cardId,
      amount: t.amount,
      currency: t.currency,
      merchant: maskCardNumbers(t.merchant), // free text from the card system: stored and sent masked
      occurred_at: t.occurredAt,
      created_at: t.createdAt,
      country: t.country ?? null,
    })
    .onConflict((oc) => oc.column('external_id').doNothing())
    .returningAll()
    .executeTakeFirst();
}

/** The authorisation with this card-system id (it must exist). */
export async function transactionByExternalId(db: Db, externalId: string): Promise<TransactionRow> {
  return db.selectFrom('transactions').selectAll().where('external_id', '=', externalId).executeTakeFirstOrThrow();
}

/** The check of a transaction, if one was made. */
export async function checkOfTransaction(db: Db, transactionId: number) {
  return db.selectFrom('transaction_checks').select(['ref', 'status']).where('transaction_id', '=', transactionId).executeTakeFirst();
}

/** References of a customer's pending checks (a new one must differ from each). */
export async function pendingCheckRefs(db: Db, customerId: number): Promise<Set<string>> {
  const rows = await db.selectFrom('transaction_checks').select('ref').where('customer_id', '=', customerId).where('status', '=', 'pending').execute();
  return new Set(rows.map((r) => r.ref));
}

/** Creates a transaction's check; undefined when it already has one. */
export async function insertCheck(db: Db, check: Insertable<TransactionChecksTable>) {
  return db
    .insertInto('transaction_checks')
    .values(check)
    .onConflict((oc) => oc.column('transaction_id').doNothing())
    .returning(['ref', 'status'])
    .executeTakeFirst();
}

/** Transactions stored between `from` and `to` that have no check yet, oldest first (at most 1,000). */
export async function uncheckedTransactions(db: Db, from: Date, to: Date): Promise<TransactionRow[]> {
  return db
    .selectFrom('transactions')
    .leftJoin('transaction_checks', 'transaction_checks.transaction_id', 'transactions.id')
    .innerJoin('cards', 'cards.id', 'transactions.card_id')
    .selectAll('transactions')
    .where('transaction_checks.id', 'is', null)
    .where('transactions.created_at', '>', from)
    .where('transactions.created_at', '<=', to)
    .orderBy('transactions.id')
    .limit(1000)
    .execute();
}

/** Ids of pending checks whose window has passed, oldest first. */
export async function lapsedCheckIds(db: Db, now: Date): Promise<number[]> {
  const rows = await db.selectFrom('transaction_checks').select('id').where('status', '=', 'pending').where('expires_at', '<=', now).orderBy('id').execute();
  return rows.map((r) => r.id);
}

/** Marks a check escalated if it is still pending; returns it, or undefined when it was answered meanwhile. */
export async function escalateCheck(db: Db, id: number) {
  return db
    .updateTable('transaction_checks')
    .set({ status: 'escalated' })
    .where('id', '=', id)
    .where('status', '=', 'pending')
    .returningAll()
    .executeTakeFirst();
}

/** A customer's checks made since `since`, with their transactions, oldest first, locked for an answer. */
export async function recentChecksForUpdate(db: Db, customerId: number, since: Date) {
  return db
    .selectFrom('transaction_checks')
    .innerJoin('transactions', 'transactions.id', 'transaction_checks.transaction_id')
    .select([
      'transaction_checks.id',
      'transaction_checks.ref',
      'transaction_checks.status',
      'transaction_checks.expires_at',
      'transaction_checks.card_id',
      'transaction_checks.transaction_id',
      'transactions.amount',
      'transactions.currency',
      'transactions.merchant',
    ])
    .where('transaction_checks.customer_id', '=', customerId)
    .where('transaction_checks.created_at', '>', since)
    .orderBy('transaction_checks.id')
    .forUpdate()
    .execute();
}

/** Records the cardholder's answer to a check. */
export async function answerCheckRow(db: Db, id: number, status: 'confirmed' | 'denied', at: Date): Promise<void> {
  await db.updateTable('transaction_checks').set({ status, answered_at: at }).where('id', '=', id).execute();
}
