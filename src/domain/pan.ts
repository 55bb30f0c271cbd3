import { createHmac, createSecretKey, type KeyObject, timingSafeEqual } from 'node:crypto';
import { luhnValid } from '../shared/card-mask';

export { luhnValid, maskCardNumbers, maskCardNumbersIn } from '../shared/card-mask';

/** True when a string is a plausible card number: 13–19 digits, Luhn-valid. */
export function isCardNumber(digits: string): boolean {
  return digits.length >= 13 && digits.length <= 19 && luhnValid(digits);
}

/** `****1234`, the only way a card number is ever shown. */
export function displayCard(last4: string): string {
  return `****${last4}`;
}

/** Keyed hash (HMAC-SHA256, hex) of a card secret; the key never leaves config. */
export function keyedHash(secret: string, purpose: string, value: string): string {
  return createHmac('sha256', secretKey(secret)).update(`${purpose}\u0000${value}`).digest('hex');
}

// A key given as a string is converted on every HMAC (0.5 µs of ~2.5; an import makes two a line).
// Bounded: the process's keys and a test's, a handful; past 16 a key is used as given.
const secretKeys = new Map<string, KeyObject>();
function secretKey(secret: string): KeyObject | string {
  let key = secretKeys.get(secret);
  if (!key && secretKeys.size < 16) secretKeys.set(secret, (key = createSecretKey(Buffer.from(secret, 'utf8'))));
  return key ?? secret;
}

/** Constant-time equality of two hex digests. */
export function sameDigest(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === y.length && x.length > 0 && timingSafeEqual(x, y);
}

/** The keys of card hashes: the one new hashes are made with, and every key a stored hash may name. */
export interface CardKeyring {
  /** The id stored with each new hash (`cards.hash_key_id`). */
  currentId: string;
  current: string;
  /** Every usable key by its id: the current one and those being rotated out. */
  byId: ReadonlyMap<string, string>;
}

/** A key's id: a short fingerprint of it (HMAC of a fixed label), stored with each hash; it does not reveal the key. */
export function cardKeyId(secret: string): string {
  return createHmac('sha256', secret).update('uplink card-hash key id').digest('hex').slice(0, 16);
}

// Bounded: one per configured set of card-hash keys (the process's own, and a test's).
const keyrings = new Map<string, CardKeyring>();

/** The keyring of a current key and the previous keys still accepted (`CARD_HASH_PREVIOUS_SECRETS`). */
export function cardKeyring(current: string, previous: readonly string[] = []): CardKeyring {
  const cacheKey = [current, ...previous].join('\u0000');
  let ring = keyrings.get(cacheKey);
  if (!ring) {
    const currentId = cardKeyId(current);
    ring = { currentId, current, byId: new Map([...previous.map((k) => [cardKeyId(k), k] as const), [currentId, current]]) };
    keyrings.set(cacheKey, ring);
  }
  return ring;
}
