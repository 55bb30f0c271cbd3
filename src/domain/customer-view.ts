import { sql } from 'kysely';
import type { Db } from '../db/schema';
import { conversation } from './history';
import { toE164 } from './phone';

/** Customers matching a mobile number (any part of it), a name (any part) or a card's last 4 digits. */
export async function searchCustomers(db: Db, query: string, region: string, limit = 20) {
  const q = query.trim();
  const digits = q.replace(/[\s()+-]/g, '');
  const e164 = /^\d{5,}$/.test(digits) ? toE164(q, region) : null;
  const name = q.replace(/[%_\\]/g, ''); // typed text, never a pattern
  return db
    .selectFrom('customers')
    .select(['external_id', 'name', 'mobile', 'tier', 'locale'])
    .where('closed_at', 'is', null)
    .where((eb) => {
      const any = name ? [eb('name', 'ilike', `%${name}%`)] : [];
      if (/^\d{4}$/.test(digits))
        any.push(eb.exists(eb.selectFrom('cards').select('cards.id').whereRef('cards.customer_id', '=', 'customers.id').where('cards.last4', '=', digits)));
      if (/^\d{4,}$/.test(digits)) any.push(eb('mobile', 'like', `%${digits}%`));
      if (e164) any.push(eb('mobile', '=', e164));
      return eb.or(any);
    })
    .orderBy('name')
    .limit(limit)
    .execute();
}

/**
 * What an agent sees of one customer: the profile, opt-out, cards (last 4 only), sign-ups and
 * large-transaction checks waiting for an answer, cases, and the conversation newest first.
 */
export async function customerView(db: Db, externalId: string, messages = 60) {
  const customer = await db.selectFrom('customers').selectAll().where('external_id', '=', externalId).executeTakeFirst();
  if (!customer) return undefined;
  const [cards, stopped, registrations, checks, cases, thread] = await Promise.all([
    db
      .selectFrom('cards')
      .select(['last4', 'product', 'status', 'balance', 'credit_limit', 'currency', 'expires_on'])
      .where('customer_id', '=', customer.id)
      .orderBy('id')
      .execute(),
    db.selectFrom('suppressions').select('created_at').where('mobile', '=', customer.mobile).executeTakeFirst(),
    db
      .selectFrom('registrations')
      .innerJoin('events', 'events.id', 'registrations.event_id')
      .select(['registrations.ref', 'registrations.status', 'registrations.created_at', 'events.code'])
      .where('registrations.customer_id', '=', customer.id)
      .where('registrations.status', 'in', ['pending', 'waitlisted'])
      .orderBy('registrations.created_at')
      .execute(),
    db
      .selectFrom('transaction_checks')
      .innerJoin('transactions', 'transactions.id', 'transaction_checks.transaction_id')
      .select(['transaction_checks.ref', 'transaction_checks.created_at', 'transactions.amount', 'transactions.currency', 'transactions.merchant'])
      .where('transaction_checks.customer_id', '=', customer.id)
      .where('transaction_checks.status', '=', 'pending')
      .execute(),
    db
      .selectFrom('cases')
      .select(['ref', 'kind', 'status', 'summary', 'outcome', 'created_at'])
      .where('customer_id', '=', customer.id)
      .orderBy('created_at', 'desc')
      .limit(20)
      .execute(),
    conversation(db, externalId, messages),
  ]);
  return { customer, cards, stopped: Boolean(stopped), registrations, checks, cases, thread: thread ?? [] };
}

/** Demo cardholders for the phone simulator: every customer with a card, by name (at most `limit`). */
export async function cardholders(db: Db, limit = 50) {
  return db
    .selectFrom('customers')
    .select(['external_id', 'name', 'mobile', 'tier', 'locale'])
    .where('closed_at', 'is', null)
    .where(sql<boolean>`exists (select 1 from cards where cards.customer_id = customers.id)`)
    .orderBy('id')
    .limit(limit)
    .execute();
}
