import { sql } from 'kysely';
import type { Card, Customer, Db, Locale, Staff } from '../db/schema';

/** The customer whose registered mobile is this E.164 number, if any (one closed by a snapshot is not). */
export async function findCustomerByMobile(db: Db, mobile: string): Promise<Customer | undefined> {
  return db.selectFrom('customers').selectAll().where('mobile', '=', mobile).where('closed_at', 'is', null).executeTakeFirst();
}

/** A customer's cards, oldest first, closed cards left out. */
export async function openCards(db: Db, customerId: number): Promise<Card[]> {
  return db.selectFrom('cards').selectAll().where('customer_id', '=', customerId).where('status', '!=', 'closed').orderBy('id').execute();
}

/** Who sent a text: the customer and their open cards, and the staff member, when known. */
export type Sender = { customer: Customer | null; cards: Card[]; staff: Staff | null };

/** Rows read as JSON get their timestamps back as Dates (dates and numbers already match the driver's). */
function revive<T>(row: Record<string, unknown>): T {
  for (const [k, v] of Object.entries(row)) if ((k.endsWith('_at') || k.endsWith('as_of')) && typeof v === 'string') row[k] = new Date(v);
  return row as T;
}

/** The sender columns as read (JSON), for senderFrom. */
export type SenderColumns = { customer: Record<string, unknown> | null; staff: Record<string, unknown> | null; cards: Record<string, unknown>[] };

/**
 * Select-list columns `customer`, `staff` and `cards` (JSON): the customer, active staff record
 * and open cards (oldest first) of the mobile number in the column `mobile` (e.g. `m.from_number`),
 * so a batch of texts reads its senders in the statement that reads the texts. `json`, not `jsonb`:
 * the rows go straight out as text, with no jsonb built and printed again (docs/benchmarks.md).
 */
export function senderColumns(mobile: string) {
  const ref = sql.ref(mobile);
  return sql`(SELECT to_json(c) FROM customers c WHERE c.mobile = ${ref} AND c.closed_at IS NULL) AS customer,
             (SELECT to_json(t) FROM staff t WHERE t.mobile = ${ref} AND t.active) AS staff,
             (SELECT coalesce(json_agg(to_json(k) ORDER BY k.id), '[]'::json)
                FROM cards k JOIN customers c ON c.id = k.customer_id
               WHERE c.mobile = ${ref} AND c.closed_at IS NULL AND k.status <> 'closed') AS cards`;
}

/** The Sender read by senderColumns. */
export function senderFrom(row: SenderColumns): Sender {
  return {
    customer: row.customer && revive<Customer>(row.customer),
    staff: row.staff && revive<Staff>(row.staff),
    cards: row.cards.map((c) => revive<Card>(c)),
  };
}

/** Cards chosen by an optional last 4 digits. */
export function pickCards(cards: Card[], last4?: string): Card[] {
  return last4 ? cards.filter((c) => c.last4 === last4) : cards;
}

/** Sets a card's status (Uplink's own doing: an older file from the card system will not undo it) and stamps the change. */
export async function setCardStatus(db: Db, cardId: number, status: Card['status']): Promise<void> {
  await db
    .updateTable('cards')
    .set({ status, local_status_at: sql`now()`, updated_at: sql`now()` })
    .where('id', '=', cardId)
    .execute();
}

/** The latest statement of a card, if it has one. */
export async function latestStatement(db: Db, cardId: number) {
  return db.selectFrom('statements').selectAll().where('card_id', '=', cardId).orderBy('closing_date', 'desc').limit(1).executeTakeFirst();
}

/** Changes the language a customer is written to in. */
export async function setCustomerLocale(db: Db, customerId: number, locale: Locale): Promise<void> {
  await db
    .updateTable('customers')
    .set({ locale, updated_at: sql`now()` })
    .where('id', '=', customerId)
    .execute();
}

/** Records a marketing opt-out (STOP/TD) for a number and its customer, if any. */
export async function optOutOfMarketing(db: Db, mobile: string, reason: string): Promise<void> {
  await db
    .insertInto('suppressions')
    .values({ mobile, reason })
    .onConflict((oc) => oc.column('mobile').doNothing())
    .execute();
  await db
    .updateTable('customers')
    .set({ marketing_consent: false, updated_at: sql`now()` })
    .where('mobile', '=', mobile)
    .execute();
  // The rest of any campaign stops at once for this number (a text already claimed is held back by the send-time check).
  await sql`UPDATE outbound_messages SET status = 'blocked', last_error = 'opted out (STOP/TD)', settled_at = now(), updated_at = now()
             WHERE customer_id IN (SELECT id FROM customers WHERE mobile = ${mobile}) AND class = 'marketing' AND status = 'queued'`.execute(db);
}

/**
 * Whether a STOP from this number is to be answered now: true at most once in 24 hours per number
 * (a START in between changes nothing), so a loop or a flood of STOPs gets one confirmation.
 */
export async function takeStopConfirmation(db: Db, mobile: string, now: Date): Promise<boolean> {
  const { rows } = await sql<{ mobile: string }>`
    INSERT INTO stop_confirmations AS s (mobile, confirmed_at) VALUES (${mobile}, ${now})
    ON CONFLICT (mobile) DO UPDATE SET confirmed_at = EXCLUDED.confirmed_at
     WHERE s.confirmed_at <= ${new Date(now.getTime() - 86_400_000)}
    RETURNING s.mobile`.execute(db);
  return rows.length > 0;
}

/** Records a marketing opt-in (START): the number leaves the suppression list. */
export async function optInToMarketing(db: Db, mobile: string): Promise<void> {
  await db.deleteFrom('suppressions').where('mobile', '=', mobile).execute();
  await db
    .updateTable('customers')
    .set({ marketing_consent: true, updated_at: sql`now()` })
    .where('mobile', '=', mobile)
    .execute();
}

/** A customer by id (it must exist). */
export async function customerById(db: Db, id: number): Promise<Customer> {
  return db.selectFrom('customers').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
}
