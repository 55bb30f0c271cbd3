import { sql } from 'kysely';
import type { Card, Customer, Db, Locale } from '../db/schema';

/** The customer whose registered mobile is this E.164 number, if any. */
export async function findCustomerByMobile(db: Db, mobile: string): Promise<Customer | undefined> {
  return db.selectFrom('customers').selectAll().where('mobile', '=', mobile).executeTakeFirst();
}

/** A customer's cards, oldest first, closed cards left out. */
export async function openCards(db: Db, customerId: number): Promise<Card[]> {
  return db
    .selectFrom('cards')
    .selectAll()
    .where('customer_id', '=', customerId)
    .where('status', '!=', 'closed')
    .orderBy('id')
    .execute();
}

/** The open cards of several customers, by customer, oldest first (one query for a batch of texts). */
export async function openCardsOf(db: Db, customerIds: readonly number[]): Promise<Map<number, Card[]>> {
  const byCustomer = new Map<number, Card[]>(customerIds.map((id) => [id, []]));
  if (customerIds.length === 0) return byCustomer;
  const rows = await db.selectFrom('cards').selectAll().where('customer_id', 'in', [...customerIds]).where('status', '!=', 'closed').orderBy('id').execute();
  for (const card of rows) byCustomer.get(card.customer_id)?.push(card);
  return byCustomer;
}

/** Cards chosen by an optional last 4 digits. */
export function pickCards(cards: Card[], last4?: string): Card[] {
  return last4 ? cards.filter((c) => c.last4 === last4) : cards;
}

/** Sets a card's status and stamps the change. */
export async function setCardStatus(db: Db, cardId: number, status: Card['status']): Promise<void> {
  await db.updateTable('cards').set({ status, updated_at: sql`now()` }).where('id', '=', cardId).execute();
}

/** The latest statement of a card, if it has one. */
export async function latestStatement(db: Db, cardId: number) {
  return db
    .selectFrom('statements')
    .selectAll()
    .where('card_id', '=', cardId)
    .orderBy('closing_date', 'desc')
    .limit(1)
    .executeTakeFirst();
}

/** Changes the language a customer is written to in. */
export async function setCustomerLocale(db: Db, customerId: number, locale: Locale): Promise<void> {
  await db.updateTable('customers').set({ locale, updated_at: sql`now()` }).where('id', '=', customerId).execute();
}

/** Records a marketing opt-out (STOP/TD) for a number and its customer, if any. */
export async function optOutOfMarketing(db: Db, mobile: string, reason: string): Promise<void> {
  await db.insertInto('suppressions').values({ mobile, reason }).onConflict((oc) => oc.column('mobile').doNothing()).execute();
  await db.updateTable('customers').set({ marketing_consent: false, updated_at: sql`now()` }).where('mobile', '=', mobile).execute();
}

/** Records a marketing opt-in (START): the number leaves the suppression list. */
export async function optInToMarketing(db: Db, mobile: string): Promise<void> {
  await db.deleteFrom('suppressions').where('mobile', '=', mobile).execute();
  await db.updateTable('customers').set({ marketing_consent: true, updated_at: sql`now()` }).where('mobile', '=', mobile).execute();
}
