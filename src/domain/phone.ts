import { type CountryCode, parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { alphanumericSender, isAlphanumericSender } from '../shared/sender';
import { parsePhoneNumberFromString as parseWithMobileMetadata } from 'libphonenumber-js/mobile';

/** Why a number was refused. */
export type PhoneProblem = 'not a phone number' | 'not a mobile number';

/**
 * Normalises a phone number to E.164 (`13800138000`, `+86 138 0013 8000` and `008613800138000`
 * are one number). International prefixes other than `+` (00, 011) are accepted.
 */
export function toE164(raw: string, region: string): string | null {
  const parsed = parse(raw, region);
  return parsed?.isValid() ? parsed.number : null;
}

/** Normalises a number that must be a mobile; returns the E.164 form or the problem. */
export function mobileE164(raw: string, region: string): { e164: string } | { problem: PhoneProblem } {
  // The mobile-only metadata answers "a mobile of a country" in half the time of the full one (an
  // import checks millions); anything else is asked again of the full metadata for its verdict.
  const quick = parse(raw, region, parseWithMobileMetadata);
  if (quick?.country && quick.isValid()) return { e164: quick.number };
  const parsed = parse(raw, region);
  if (!parsed?.isValid()) return { problem: 'not a phone number' };
  const type = parsed.getType();
  if (type !== 'MOBILE' && type !== 'FIXED_LINE_OR_MOBILE') return { problem: 'not a mobile number' };
  return { e164: parsed.number };
}

// What a phone number may be written with: digits of any script, +, spaces, dashes, dots, brackets.
const NUMERIC = /^[\p{Nd}+\s\-.()]*$/u;

/**
 * Best-effort E.164 for an inbound sender: a valid number is normalised; a short code is kept as
 * sent, trimmed; a sender with letters or symbols, or one a transport marked alphanumeric (SMPP
 * TON 5), is recorded as `alnum:<as sent>`, so it never matches a customer's or a staff phone.
 */
export function senderAddress(raw: string, region: string): string {
  const trimmed = raw.trim();
  if (isAlphanumericSender(trimmed) || !NUMERIC.test(trimmed.normalize('NFKC'))) return alphanumericSender(trimmed);
  return toE164(trimmed, region) ?? trimmed;
}

function parse(raw: string, region: string, parser: typeof parsePhoneNumberFromString = parsePhoneNumberFromString) {
  let s = raw.normalize('NFKC').trim();
  // "00" (ITU) and "011" (NANP) international prefixes: libphonenumber only knows them per region.
  if (/^00[1-9]/.test(s)) s = `+${s.slice(2)}`;
  else if (/^011[1-9]/.test(s) && region !== 'US' && region !== 'CA') s = `+${s.slice(3)}`;
  return parser(s, region as CountryCode);
}
