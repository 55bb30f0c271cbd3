import { sql } from 'kysely';
import type { Db } from '../../db/schema';

/** The latest `limit` transactions of some cards, newest first, with each card's last 4. */
export async function recentTransactions(db: Db, cardIds: number[], limit: number) {
  return db
    .selectFrom('transactions')
    .innerJoin('cards', 'cards.id', 'transactions.card_id')
    .select(['transactions.amount', 'transactions.currency', 'transactions.merchant', 'transactions.occurred_at', 'cards.last4'])
    .where('transactions.card_id', 'in', cardIds)
    .orderBy('transactions.occurred_at', 'desc')
    .orderBy('transactions.id', 'desc')
    .limit(limit)
    .execute();
}

/** The latest application of a number with these last 4 of the ID number, if any. */
export async function applicationOf(db: Db, mobile: string, idLast4: string) {
  return db
    .selectFrom('applications')
    .selectAll()
    .where('mobile', '=', mobile)
    .where('id_last4', '=', idLast4)
    .orderBy('updated_at', 'desc')
    .limit(1)
    .executeTakeFirst();
}

/** The active rewards of the catalogue, cheapest first. */
export async function rewardCatalogue(db: Db) {
  return db.selectFrom('rewards').selectAll().where('active', '=', true).orderBy('points').orderBy('code').execute();
}

/** Whether an active travel notice of the customer covers this country on this day (YYYY-MM-DD). */
export async function travelCovers(db: Db, customerId: number, country: string, day: string): Promise<boolean> {
  const row = await db
    .selectFrom('travel_notices')
    .select('id')
    .where('customer_id', '=', customerId)
    .where('from_day', '<=', day)
    .where('to_day', '>=', day)
    .where(sql<boolean>`${country} = ANY(countries)`)
    .executeTakeFirst();
  return row !== undefined;
}
