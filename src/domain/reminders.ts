import { sql } from 'kysely';
import type { Customer, Db, Tier } from '../db/schema';

/**
 * Customers whose birthday (month and day, `keys` as month * 100 + day) may be today, read through
 * the (month, day) expression index, with their local date: `date` for everyone, else the local
 * date at `asOf`, and then only those whose local hour at `asOf` is `hour`.
 */
export async function birthdayCandidates(
  db: Db,
  q: { keys: number[]; tiers: readonly Tier[]; asOf: Date; date?: string; hour: number },
): Promise<(Customer & { local_day: string })[]> {
  const { rows } = await sql<Customer & { local_day: string }>`
    SELECT c.*, to_char(${q.date ? sql`${q.date}::date` : sql`(${q.asOf}::timestamptz AT TIME ZONE c.time_zone)::date`}, 'YYYY-MM-DD') AS local_day
      FROM customers c
     WHERE c.birthday IS NOT NULL AND c.closed_at IS NULL
       AND (extract(month from c.birthday) * 100 + extract(day from c.birthday)) = ANY(${q.keys}::int[])
       AND c.tier = ANY(${[...q.tiers]}::text[])
       AND NOT c.greetings_opt_out
       ${q.date ? sql`` : sql`AND extract(hour from ${q.asOf}::timestamptz AT TIME ZONE c.time_zone) = ${q.hour}`}`.execute(db);
  return rows;
}

/** Active cards expiring on `day`, each with its customer. */
export async function activeCardsExpiringOn(db: Db, day: string) {
  return db
    .selectFrom('cards')
    .innerJoin('customers', 'customers.id', 'cards.customer_id')
    .selectAll('customers')
    .select(['cards.id as card_id', 'cards.last4', 'cards.expires_on'])
    .where('cards.status', '=', 'active')
    .where('cards.expires_on', '=', day)
    .execute();
}

/** Statements due on `day` whose minimum is not yet paid, of cards still in use, each with its customer. */
export async function unpaidStatementsDueOn(db: Db, day: string) {
  return db
    .selectFrom('statements')
    .innerJoin('cards', 'cards.id', 'statements.card_id')
    .innerJoin('customers', 'customers.id', 'cards.customer_id')
    .selectAll('customers')
    .select(['statements.id as statement_id', 'statements.minimum_due', 'statements.paid_amount', 'statements.currency', 'statements.due_date', 'cards.last4'])
    .where('statements.due_date', '=', day)
    .whereRef('statements.paid_amount', '<', 'statements.minimum_due')
    .where('cards.status', 'in', ['active', 'frozen'])
    .execute();
}
