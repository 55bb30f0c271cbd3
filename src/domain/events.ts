import type { z } from 'zod';
import type { Db, EventRow } from '../db/schema';
import type { eventSchema } from './import/import.schema';
import { maskCardNumbers, maskCardNumbersIn } from './pan';

/** An event as validated from the import or the staff API. */
export type EventInput = z.output<typeof eventSchema>;

/** Creates an event or updates the one with the same code; card numbers in its title and venue are masked (both are texted). */
export async function upsertEvent(db: Db, e: EventInput): Promise<EventRow> {
  const values = {
    code: e.code,
    title: JSON.stringify(maskCardNumbersIn(e.title)),
    venue: maskCardNumbers(e.venue),
    starts_at: e.startsAt,
    capacity: e.capacity,
    eligible_tiers: e.eligibleTiers,
    eligible_products: e.eligibleProducts,
    signup_opens_at: e.signupOpensAt,
    signup_closes_at: e.signupClosesAt,
  };
  return db
    .insertInto('events')
    .values(values)
    .onConflict((oc) => oc.column('code').doUpdateSet(values))
    .returningAll()
    .executeTakeFirstOrThrow();
}
