import type { AppConfig } from '../config';
import type { Kysely } from 'kysely';
import type { Card, Customer, Database, Db } from '../db/schema';
import { setCardStatus } from '../domain/accounts';
import { audit } from '../domain/audit';
import { openCase } from '../domain/cases';
import { displayCard } from '../domain/pan';
import { newRef } from '../domain/refs';
import type { Notifier } from './notifier';
import { formatMoment, formatMoney } from './templates';

/** A card authorisation as the card system reports it. */
export interface ReportedTransaction {
  transactionId: string;
  cardId: string;
  amount: number;
  currency: string;
  merchant: string;
  occurredAt: string;
}

/** What recording a transaction came to. */
export type RecordOutcome =
  | { kind: 'unknown_card' }
  | { kind: 'conflict' }
  | { kind: 'recorded'; created: boolean; transactionId: number; check: { ref: string; status: string } | null };

/** The amount at or above which a transaction is checked, for a tier and currency. */
export function thresholdFor(config: AppConfig, tier: Customer['tier'], currency: string): number | undefined {
  const table = config.largeTxThresholds[tier];
  return table[currency] ?? table['*'];
}

/**
 * Records an authorisation (idempotent by transaction id; the same id with other data is a
 * conflict) and, at or above the tier threshold, asks the cardholder — all in the caller's
 * transaction, so the record and the question commit together.
 */
export async function recordTransaction(db: Db, notifier: Notifier, config: AppConfig, t: ReportedTransaction, now: Date): Promise<RecordOutcome> {
  const card = await db.selectFrom('cards').selectAll().where('external_id', '=', t.cardId).executeTakeFirst();
  if (!card) return { kind: 'unknown_card' };
  const inserted = await db
    .insertInto('transactions')
    .values({ external_id: t.transactionId, card_id: card.id, amount: t.amount, currency: t.currency, merchant: t.merchant, occurred_at: t.occurredAt, created_at: now })
    .onConflict((oc) => oc.column('external_id').doNothing())
    .returningAll()
    .executeTakeFirst();
  const tx = inserted ?? (await db.selectFrom('transactions').selectAll().where('external_id', '=', t.transactionId).executeTakeFirstOrThrow());
  if (!inserted && (tx.card_id !== card.id || tx.amount !== t.amount || tx.currency !== t.currency)) return { kind: 'conflict' };
  let check = await db.selectFrom('transaction_checks').select(['ref', 'status']).where('transaction_id', '=', tx.id).executeTakeFirst();
  if (!check && inserted) check = await askIfLarge(db, notifier, config, tx, card, now);
  return { kind: 'recorded', created: Boolean(inserted), transactionId: tx.id, check: check ?? null };
}

type TxRow = { id: number; amount: number; currency: string; merchant: string; occurred_at: Date };

/** Creates the check and queues the security text when the amount reaches the card's tier threshold. */
export async function askIfLarge(db: Db, notifier: Notifier, config: AppConfig, tx: TxRow, card: Card, now: Date) {
  const customer = await db.selectFrom('customers').selectAll().where('id', '=', card.customer_id).executeTakeFirstOrThrow();
  const threshold = thresholdFor(config, customer.tier, tx.currency);
  if (threshold === undefined || tx.amount < threshold) return undefined;
  const pendingRefs = new Set(
    (await db.selectFrom('transaction_checks').select('ref').where('customer_id', '=', customer.id).where('status', '=', 'pending').execute()).map((r) => r.ref),
  );
  let ref = newRef(4);
  while (pendingRefs.has(ref)) ref = newRef(4);
  const expiresAt = new Date(now.getTime() + config.checkWindowMinutes * 60_000);
  const check = await db
    .insertInto('transaction_checks')
    .values({ transaction_id: tx.id, customer_id: customer.id, card_id: card.id, ref, created_at: now, expires_at: expiresAt })
    .onConflict((oc) => oc.column('transaction_id').doNothing())
    .returning(['ref', 'status'])
    .executeTakeFirst();
  if (!check) return undefined;
  await notifier.toCustomer(
    db,
    customer,
    'txcheck.ask',
    {
      amount: formatMoney(tx.amount, tx.currency, customer.locale),
      merchant: tx.merchant,
      when: formatMoment(tx.occurred_at, customer.time_zone, customer.locale),
      card: displayCard(card.last4),
      ref,
      minutes: config.checkWindowMinutes,
    },
    // The question is useless once the window has passed: it expires with it.
    { class: 'security', now, dedupeKey: `txcheck:${tx.id}`, expiresAt },
  );
  await audit(db, { actorType: 'system', channel: 'api', action: 'txcheck.asked', subject: `transaction:${tx.id}`, details: { ref } });
  return check;
}

/**
 * Asks about large transactions recorded in the last day that have no check yet (after a crash, or
 * loaded in bulk); each question commits on its own.
 */
export async function sweepUnasked(db: Kysely<Database>, notifier: Notifier, config: AppConfig, now: Date): Promise<number> {
  const rows = await db
    .selectFrom('transactions')
    .leftJoin('transaction_checks', 'transaction_checks.transaction_id', 'transactions.id')
    .innerJoin('cards', 'cards.id', 'transactions.card_id')
    .selectAll('transactions')
    .where('transaction_checks.id', 'is', null)
    .where('transactions.created_at', '>', new Date(now.getTime() - 24 * 3600_000))
    .where('transactions.created_at', '<=', new Date(now.getTime() - 60_000))
    .orderBy('transactions.id')
    .limit(1000)
    .execute();
  let asked = 0;
  for (const tx of rows) {
    const done = await db.transaction().execute(async (trx) => {
      const card = await trx.selectFrom('cards').selectAll().where('id', '=', tx.card_id).executeTakeFirstOrThrow();
      return askIfLarge(trx, notifier, config, tx, card, now);
    });
    if (done) asked++;
  }
  return asked;
}

/** Unanswered checks past their window go to the agents' fraud queue, each check and its case in one transaction. */
export async function escalateUnanswered(db: Kysely<Database>, now: Date): Promise<number> {
  const due = await db.selectFrom('transaction_checks').select('id').where('status', '=', 'pending').where('expires_at', '<=', now).orderBy('id').execute();
  let escalated = 0;
  for (const { id } of due) {
    escalated += await db.transaction().execute(async (trx) => {
      const c = await trx.updateTable('transaction_checks').set({ status: 'escalated' }).where('id', '=', id).where('status', '=', 'pending').returningAll().executeTakeFirst();
      if (!c) return 0; // answered meanwhile
      await openCase(trx, { kind: 'fraud', customerId: c.customer_id, cardId: c.card_id, summary: `No answer to large-transaction check ${c.ref}`, source: `txn:${c.transaction_id}` }, now);
      await audit(trx, { actorType: 'system', channel: 'scheduler', action: 'txcheck.escalated', subject: `transaction:${c.transaction_id}` });
      return 1;
    });
  }
  return escalated;
}

/** The cardholder's answer to a check. */
export type AnswerOutcome =
  | { kind: 'none' | 'expired' }
  | { kind: 'which'; choices: string }
  | { kind: 'confirmed'; ref: string }
  | { kind: 'denied'; ref: string; card: string; caseRef: string };

/** Applies Y or N (optionally with the check's reference) from the cardholder's own number. */
export async function answerCheck(db: Db, customer: Customer, yes: boolean, ref: string | undefined, now: Date): Promise<AnswerOutcome> {
  const mine = await db
    .selectFrom('transaction_checks')
    .innerJoin('transactions', 'transactions.id', 'transaction_checks.transaction_id')
    .select(['transaction_checks.id', 'transaction_checks.ref', 'transaction_checks.status', 'transaction_checks.expires_at', 'transaction_checks.card_id', 'transaction_checks.transaction_id', 'transactions.amount', 'transactions.currency', 'transactions.merchant'])
    .where('transaction_checks.customer_id', '=', customer.id)
    .where('transaction_checks.created_at', '>', new Date(now.getTime() - 7 * 24 * 3600_000))
    .orderBy('transaction_checks.id')
    .forUpdate()
    .execute();
  const named = ref ? mine.filter((c) => c.ref === ref) : mine;
  const open = named.filter((c) => c.status === 'pending' && c.expires_at > now);
  if (open.length === 0) {
    const lapsed = named.some((c) => c.status === 'escalated' || (c.status === 'pending' && c.expires_at <= now));
    return { kind: lapsed ? 'expired' : 'none' };
  }
  if (open.length > 1) {
    return { kind: 'which', choices: open.map((c) => `${c.ref} ${formatMoney(c.amount, c.currency, customer.locale)} ${c.merchant}`).join('; ') };
  }
  const check = open[0];
  await db.updateTable('transaction_checks').set({ status: yes ? 'confirmed' : 'denied', answered_at: now }).where('id', '=', check.id).execute();
  if (yes) return { kind: 'confirmed', ref: check.ref };
  const card = await db.selectFrom('cards').selectAll().where('id', '=', check.card_id).executeTakeFirstOrThrow();
  await setCardStatus(db, card.id, 'frozen');
  const fraud = await openCase(db, { kind: 'fraud', customerId: customer.id, cardId: card.id, summary: `Cardholder denied transaction (check ${check.ref})`, source: `txn:${check.transaction_id}` }, now);
  return { kind: 'denied', ref: check.ref, card: displayCard(card.last4), caseRef: fraud.ref };
}
