import { sql } from 'kysely';
import type { Customer, Db, EventRow, Registration } from '../db/schema';
import { withFreshRef } from './refs';

/** What `JOIN <code>` came to. */
export type JoinOutcome =
  | { kind: 'unknown_event' }
  | { kind: 'closed'; event: EventRow }
  | { kind: 'ineligible'; event: EventRow }
  | { kind: 'already'; event: EventRow; registration: Registration }
  | { kind: 'pending'; event: EventRow; registration: Registration }
  | { kind: 'waitlisted'; event: EventRow; registration: Registration; position: number };

/** Places held (pending or confirmed) for an event. */
async function placesTaken(db: Db, eventId: number): Promise<number> {
  const r = await db
    .selectFrom('registrations')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('event_id', '=', eventId)
    .where('status', 'in', ['pending', 'confirmed'])
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

/** Position (1-based) of a waitlisted registration. */
async function waitlistPosition(db: Db, reg: Registration): Promise<number> {
  const r = await db
    .selectFrom('registrations')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('event_id', '=', reg.event_id)
    .where('status', '=', 'waitlisted')
    .where((eb) => eb.or([eb('created_at', '<', reg.created_at), eb.and([eb('created_at', '=', reg.created_at), eb('id', '<=', reg.id)])]))
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

/**
 * Signs a customer up: the event row is locked so capacity stays exact under concurrent sign-ups;
 * eligibility (tiers, card products), the sign-up window and duplicates are checked; when full,
 * the customer joins the waitlist.
 */
export async function register(db: Db, customer: Customer, code: string, now: Date): Promise<JoinOutcome> {
  const event = await db.selectFrom('events').selectAll().where('code', '=', code.toUpperCase()).forUpdate().executeTakeFirst();
  if (!event) return { kind: 'unknown_event' };
  const existing = await db
    .selectFrom('registrations')
    .selectAll()
    .where('event_id', '=', event.id)
    .where('customer_id', '=', customer.id)
    .where('status', 'in', ['pending', 'confirmed', 'waitlisted'])
    .executeTakeFirst();
  if (existing) return { kind: 'already', event, registration: existing };
  if (now < event.signup_opens_at || now > event.signup_closes_at) return { kind: 'closed', event };
  if (!(await eligible(db, event, customer))) return { kind: 'ineligible', event };
  const status = (await placesTaken(db, event.id)) < event.capacity ? 'pending' : 'waitlisted';
  const registration = await withFreshRef((ref) =>
    db
      .insertInto('registrations')
      .values({ ref, event_id: event.id, customer_id: customer.id, status, created_at: now })
      .returningAll()
      .executeTakeFirstOrThrow(),
  );
  if (status === 'pending') return { kind: 'pending', event, registration };
  return { kind: 'waitlisted', event, registration, position: await waitlistPosition(db, registration) };
}

/** Tier and card-product eligibility (an empty list means everyone). */
async function eligible(db: Db, event: EventRow, customer: Customer): Promise<boolean> {
  if (event.eligible_tiers.length > 0 && !event.eligible_tiers.includes(customer.tier)) return false;
  if (event.eligible_products.length === 0) return true;
  const card = await db
    .selectFrom('cards')
    .select('id')
    .where('customer_id', '=', customer.id)
    .where('status', 'in', ['active', 'inactive'])
    .where('product', 'in', event.eligible_products)
    .executeTakeFirst();
  return card !== undefined;
}

/** A registration with its event, locked for a decision. */
export async function lockRegistration(db: Db, ref: string): Promise<{ registration: Registration; event: EventRow } | undefined> {
  const registration = await db.selectFrom('registrations').selectAll().where('ref', '=', ref).forUpdate().executeTakeFirst();
  if (!registration) return undefined;
  const event = await db.selectFrom('events').selectAll().where('id', '=', registration.event_id).forUpdate().executeTakeFirstOrThrow();
  return { registration, event };
}

/** Moves a registration to a new status (the caller checked the transition). */
export async function setRegistrationStatus(
  db: Db,
  id: number,
  change: { status: Registration['status']; reason?: string | null; decidedBy?: number | null; now: Date },
): Promise<Registration> {
  return db
    .updateTable('registrations')
    .set({ status: change.status, reason: change.reason ?? null, decided_by: change.decidedBy ?? null, decided_at: change.now, updated_at: sql`now()` })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** When a place frees up, the oldest waitlisted registration becomes pending; returns it. */
export async function promoteFromWaitlist(db: Db, event: EventRow, now: Date): Promise<Registration | undefined> {
  if ((await placesTaken(db, event.id)) >= event.capacity) return undefined;
  const next = await db
    .selectFrom('registrations')
    .selectAll()
    .where('event_id', '=', event.id)
    .where('status', '=', 'waitlisted')
    .orderBy('created_at')
    .orderBy('id')
    .limit(1)
    .forUpdate()
    .executeTakeFirst();
  if (!next) return undefined;
  return db.updateTable('registrations').set({ status: 'pending', updated_at: now }).where('id', '=', next.id).returningAll().executeTakeFirstOrThrow();
}

/** A customer's live registrations (pending, confirmed, waitlisted) with their event codes. */
export async function liveRegistrations(db: Db, customerId: number) {
  return db
    .selectFrom('registrations')
    .innerJoin('events', 'events.id', 'registrations.event_id')
    .select(['registrations.ref', 'registrations.status', 'events.code'])
    .where('registrations.customer_id', '=', customerId)
    .where('registrations.status', 'in', ['pending', 'confirmed', 'waitlisted'])
    .orderBy('registrations.created_at')
    .execute();
}

/** Registrations by status, oldest first, with what an agent needs to decide. */
export async function listRegistrations(db: Db, filter: { status?: Registration['status']; event?: string; limit: number }) {
  let q = db
    .selectFrom('registrations')
    .innerJoin('events', 'events.id', 'registrations.event_id')
    .innerJoin('customers', 'customers.id', 'registrations.customer_id')
    .select([
      'registrations.ref',
      'registrations.status',
      'registrations.created_at',
      'registrations.reason',
      'events.code as event',
      'customers.external_id as customer',
      'customers.name',
      'customers.tier',
    ])
    .orderBy('registrations.created_at')
    .orderBy('registrations.id')
    .limit(filter.limit);
  if (filter.status) q = q.where('registrations.status', '=', filter.status);
  if (filter.event) q = q.where('events.code', '=', filter.event.toUpperCase());
  return q.execute();
}
