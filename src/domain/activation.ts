import type { Card, Db } from '../db/schema';
import { type CardKeyring, keyedHash, sameDigest } from './pan';

/** The HMAC purpose for a card's activation code (its last 6 digits), bound to the card. */
export function activationPurpose(cardExternalId: string): string {
  return `activation:${cardExternalId}`;
}

/**
 * The card whose last 6 digits match `code`, compared in constant time against every card so the
 * time taken does not tell which card (or whether any) matched. Each card's hash is checked with the
 * key it was made with (`hash_key_id`); a card whose key has left the ring cannot match.
 */
export function matchActivationCode(keys: CardKeyring, cards: Card[], code: string): Card | undefined {
  let match: Card | undefined;
  for (const card of cards) {
    const secret = keys.byId.get(card.hash_key_id ?? keys.currentId);
    const digest = keyedHash(secret ?? keys.current, activationPurpose(card.external_id), code);
    if (secret !== undefined && sameDigest(digest, card.activation_hmac) && !match) match = card;
  }
  return match;
}

/** True when the customer or the sending number has failed `max` times within 24 hours. */
export async function activationLocked(db: Db, by: { fromNumber: string; customerId: number | null }, now: Date, max: number): Promise<boolean> {
  const since = new Date(now.getTime() - 24 * 3600_000);
  const row = await db
    .selectFrom('activation_attempts')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('success', '=', false)
    .where('at', '>', since)
    .where((eb) =>
      by.customerId === null ? eb('from_number', '=', by.fromNumber) : eb.or([eb('from_number', '=', by.fromNumber), eb('customer_id', '=', by.customerId)]),
    )
    .executeTakeFirstOrThrow();
  return Number(row.n) >= max;
}

/** Records one activation attempt. */
export async function recordActivationAttempt(db: Db, attempt: { fromNumber: string; customerId: number | null; success: boolean; at: Date }): Promise<void> {
  await db
    .insertInto('activation_attempts')
    .values({ from_number: attempt.fromNumber, customer_id: attempt.customerId, success: attempt.success, at: attempt.at })
    .execute();
}
