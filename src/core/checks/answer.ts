import type { Customer, Db } from '../../db/schema';
import { setCardStatus } from '../../domain/accounts';
import { openCase } from '../../domain/cases';
import { answerCheckRow, cardById, recentChecksForUpdate } from '../../domain/checks';
import { displayCard } from '../../domain/pan';
import { formatMoney } from '../messaging/templates';

/** The cardholder's answer to a check. */
export type AnswerOutcome =
  | { kind: 'none' | 'expired' }
  | { kind: 'which'; choices: string }
  | { kind: 'confirmed'; ref: string }
  | { kind: 'denied'; ref: string; card: string; caseRef: string };

/** The reference and a short description of each check still open for an answer (locked). */
export async function openCheckChoices(db: Db, customer: Customer, now: Date): Promise<{ ref: string; label: string }[]> {
  const mine = await recentChecksForUpdate(db, customer.id, new Date(now.getTime() - 7 * 24 * 3600_000));
  return mine
    .filter((c) => c.status === 'pending' && c.expires_at > now)
    .map((c) => ({ ref: c.ref, label: `${formatMoney(c.amount, c.currency, customer.locale)} ${c.merchant}` }));
}

/** Applies Y or N (optionally with the check's reference) from the cardholder's own number. */
export async function answerCheck(db: Db, customer: Customer, yes: boolean, ref: string | undefined, now: Date): Promise<AnswerOutcome> {
  const mine = await recentChecksForUpdate(db, customer.id, new Date(now.getTime() - 7 * 24 * 3600_000));
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
  await answerCheckRow(db, check.id, yes ? 'confirmed' : 'denied', now);
  if (yes) return { kind: 'confirmed', ref: check.ref };
  const card = await cardById(db, check.card_id);
  await setCardStatus(db, card.id, 'frozen');
  const fraud = await openCase(
    db,
    {
      kind: 'fraud',
      customerId: customer.id,
      cardId: card.id,
      summary: `Cardholder denied transaction (check ${check.ref})`,
      source: `txn:${check.transaction_id}`,
    },
    now,
  );
  return { kind: 'denied', ref: check.ref, card: displayCard(card.last4), caseRef: fraud.ref };
}
