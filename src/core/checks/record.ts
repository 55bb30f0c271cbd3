import type { AppConfig } from '../../config';
import type { Card, Customer, Db } from '../../db/schema';
import { customerById } from '../../domain/accounts';
import { audit } from '../../domain/audit';
import {
  cardByExternalId,
  checkOfTransaction,
  insertCheck,
  insertTransaction,
  pendingCheckRefs,
  type TransactionRow,
  transactionByExternalId,
} from '../../domain/checks';
import { displayCard } from '../../domain/pan';
import { newRef } from '../../domain/refs';
import { travelCovers } from '../../domain/services/queries';
import type { Notifier } from '../messaging/notifier';
import { formatMoment, formatMoney } from '../messaging/templates';

/** A card authorisation as the card system reports it. */
export interface ReportedTransaction {
  transactionId: string;
  cardId: string;
  amount: number;
  currency: string;
  merchant: string;
  occurredAt: string;
  /** The merchant's country (ISO 3166 alpha-2), when the card system says. */
  country?: string;
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
  const card = await cardByExternalId(db, t.cardId);
  if (!card) return { kind: 'unknown_card' };
  const inserted = await insertTransaction(db, {
    externalId: t.transactionId,
    cardId: card.id,
    amount: t.amount,
    currency: t.currency,
    merchant: t.merchant,
    occurredAt: t.occurredAt,
    createdAt: now,
    country: t.country ?? null,
  });
  const tx = inserted ?? (await transactionByExternalId(db, t.transactionId));
  if (!inserted && (tx.card_id !== card.id || tx.amount !== t.amount || tx.currency !== t.currency)) return { kind: 'conflict' };
  let check = await checkOfTransaction(db, tx.id);
  if (!check && inserted) check = await askIfLarge(db, notifier, config, tx, card, now);
  return { kind: 'recorded', created: Boolean(inserted), transactionId: tx.id, check: check ?? null };
}

/** Creates the check and queues the security text when the amount reaches the card's tier threshold. */
export async function askIfLarge(db: Db, notifier: Notifier, config: AppConfig, tx: TransactionRow, card: Card, now: Date) {
  const customer = await customerById(db, card.customer_id);
  const threshold = thresholdFor(config, customer.tier, tx.currency);
  if (threshold === undefined || tx.amount < threshold) return undefined;
  // The customer said they would be there (TRAVEL): spending in that country on those days is expected.
  if (tx.country && (await travelCovers(db, customer.id, tx.country, tx.occurred_at.toLocaleDateString('en-CA', { timeZone: customer.time_zone }))))
    return undefined;
  const taken = await pendingCheckRefs(db, customer.id);
  let ref = newRef(4);
  while (taken.has(ref)) ref = newRef(4);
  const expiresAt = new Date(now.getTime() + config.checkWindowMinutes * 60_000);
  const check = await insertCheck(db, { transaction_id: tx.id, customer_id: customer.id, card_id: card.id, ref, created_at: now, expires_at: expiresAt });
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
