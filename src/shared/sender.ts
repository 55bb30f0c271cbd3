// A sender that is not a phone number: an SMPP source address of TON 5 (alphanumeric), or anything
// with letters or symbols in it. Such a sender is recorded with this prefix so it can never equal a
// customer's or a staff member's phone (both are E.164, `+` and digits) and is never answered.

/** The prefix of a sender recorded as not a phone number. */
export const ALPHANUMERIC_PREFIX = 'alnum:';

/** A sender as recorded when it is not a phone number. */
export function alphanumericSender(addr: string): string {
  return addr.startsWith(ALPHANUMERIC_PREFIX) ? addr : `${ALPHANUMERIC_PREFIX}${addr}`;
}

/** True for a sender recorded as not a phone number. */
export function isAlphanumericSender(from: string): boolean {
  return from.startsWith(ALPHANUMERIC_PREFIX);
}
