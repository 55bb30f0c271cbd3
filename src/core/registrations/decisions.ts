import type { Db, EventRow, Registration, Staff } from '../../db/schema';
import { customerById } from '../../domain/accounts';
import { audit } from '../../domain/audit';
import { maskCardNumbers } from '../../domain/pan';
import { lockRegistration, promoteFromWaitlist, setRegistrationStatus } from '../../domain/registrations';
import type { Notifier } from '../messaging/notifier';

/** Who acted, and through which channel (`api`, `sms`, …), for the audit trail. */
export interface Actor {
  staff: Staff;
  channel: string;
}

/** The outcome of an agent's decision on a registration. */
export type Decision = { kind: 'done'; registration: Registration; event: EventRow } | { kind: 'unknown' } | { kind: 'conflict'; registration: Registration };

/** Tells the customer whose waitlisted registration became pending. */
async function announcePromotion(db: Db, notifier: Notifier, event: EventRow, promoted: Registration | undefined, now: Date) {
  if (!promoted) return;
  const customer = await customerById(db, promoted.customer_id);
  await notifier.toCustomer(db, customer, 'reg.promoted', { ...notifier.eventValues(event, customer), ref: promoted.ref }, { class: 'service', now });
}

/**
 * Confirms a pending registration and texts the customer the event details in their language.
 * Two agents confirming at once: the registration row is locked, one wins, the other gets `conflict`.
 */
export async function confirmRegistration(db: Db, notifier: Notifier, ref: string, actor: Actor, now: Date): Promise<Decision> {
  const found = await lockRegistration(db, ref);
  if (!found) return { kind: 'unknown' };
  if (found.registration.status !== 'pending') return { kind: 'conflict', registration: found.registration };
  const registration = await setRegistrationStatus(db, found.registration.id, { status: 'confirmed', decidedBy: actor.staff.id, now });
  const customer = await customerById(db, registration.customer_id);
  await notifier.toCustomer(db, customer, 'reg.confirmed', { ...notifier.eventValues(found.event, customer), ref }, { class: 'service', now });
  await audit(db, { actorType: 'staff', actorId: actor.staff.id, channel: actor.channel, action: 'registration.confirm', subject: `registration:${ref}` });
  return { kind: 'done', registration, event: found.event };
}

/** Declines a pending or waitlisted registration (politely, with the reason if given); a freed place goes to the waitlist. */
export async function declineRegistration(db: Db, notifier: Notifier, ref: string, typed: string | null, actor: Actor, now: Date): Promise<Decision> {
  const reason = typed === null ? null : maskCardNumbers(typed); // stored, audited and texted to the customer
  const found = await lockRegistration(db, ref);
  if (!found) return { kind: 'unknown' };
  if (found.registration.status !== 'pending' && found.registration.status !== 'waitlisted') return { kind: 'conflict', registration: found.registration };
  const registration = await setRegistrationStatus(db, found.registration.id, { status: 'declined', reason, decidedBy: actor.staff.id, now });
  const customer = await customerById(db, registration.customer_id);
  await notifier.toCustomer(
    db,
    customer,
    'reg.declined',
    { ...notifier.eventValues(found.event, customer), ref, reason: reason ?? 'none' },
    { class: 'service', now },
  );
  await audit(db, {
    actorType: 'staff',
    actorId: actor.staff.id,
    channel: actor.channel,
    action: 'registration.decline',
    subject: `registration:${ref}`,
    details: { reason },
  });
  await announcePromotion(db, notifier, found.event, await promoteFromWaitlist(db, found.event, now), now);
  return { kind: 'done', registration, event: found.event };
}

/** Withdraws a customer's own registration; a freed place goes to the first on the waitlist. */
export async function withdrawRegistration(db: Db, notifier: Notifier, ref: string, now: Date): Promise<Decision> {
  const found = await lockRegistration(db, ref);
  if (!found) return { kind: 'unknown' };
  const registration = await setRegistrationStatus(db, found.registration.id, { status: 'withdrawn', now });
  await announcePromotion(db, notifier, found.event, await promoteFromWaitlist(db, found.event, now), now);
  return { kind: 'done', registration, event: found.event };
}
