import { createHmac, timingSafeEqual } from 'node:crypto';

/** True when a digit string passes the Luhn check. */
export function luhnValid(digits: string): boolean {
  if (!/^\d+$/.test(digits)) return false;
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

/** True when a string is a plausible card number: 13–19 digits, Luhn-valid. */
export function isCardNumber(digits: string): boolean {
  return digits.length >= 13 && digits.length <= 19 && luhnValid(digits);
}

// Runs of ASCII or full-width digits, optionally grouped by single spaces or dashes ("4111 1111 …").
const DIGIT_RUN = /[0-9０-９](?:[ -]?[0-9０-９])+/g;

/**
 * Masks every Luhn-valid 13–19 digit number in a text, keeping only its last 4 digits, so the text
 * can be stored and logged. Full-width digits are recognised too.
 */
export function maskCardNumbers(text: string): string {
  return text.replace(DIGIT_RUN, (run) => {
    const digits = run.normalize('NFKC').replace(/[ -]/g, '');
    if (!isCardNumber(digits)) return run;
    let keep = 4;
    const chars = [...run];
    for (let i = chars.length - 1; i >= 0; i--) {
      if (/[ -]/.test(chars[i])) continue;
      if (keep > 0) keep--;
      else chars[i] = '*';
    }
    return chars.join('');
  });
}

/** `****1234`, the only way a card number is ever shown. */
export function displayCard(last4: string): string {
  return `****${last4}`;
}

/** Keyed hash (HMAC-SHA256, hex) of a card secret; the key never leaves config. */
export function keyedHash(secret: string, purpose: string, value: string): string {
  return createHmac('sha256', secret).update(`${purpose}\u0000${value}`).digest('hex');
}

/** Constant-time equality of two hex digests. */
export function sameDigest(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === y.length && x.length > 0 && timingSafeEqual(x, y);
}
