// Card numbers in free text, found and masked (PCI DSS 3.3, 3.4.1). Pure and linear in the text's
// length: one pass over its code points, then a fixed number of Luhn checks per digit. It lives in
// shared/ because every layer stores, logs or sends free text (the logger masks with it too).

/** Separators between digit groups: at most this many characters, none a letter or a digit. */
const MAX_SEPARATOR = 3;
/** Card numbers have 13 to 19 digits (ISO/IEC 7812). */
const MIN_PAN = 13;
const MAX_PAN = 19;
/** After a card number: up to this many groups of 2–4 digits (an expiry `12/25`, a CVV), at most 8 digits. */
const TRAILING_GROUPS = 3;
const TRAILING_DIGITS = 8;

const DIGIT = /^\p{Nd}$/u;
const LETTER = /^\p{L}$/u;
// Bounded: one entry per Unicode decimal digit seen (there are fewer than 800).
const zeroOf = new Map<number, number>();

/** The value 0–9 of a Unicode decimal digit (`\p{Nd}`): its distance from the 0 of its block. */
function digitValue(ch: string): number {
  const cp = ch.codePointAt(0)!;
  if (cp >= 48 && cp <= 57) return cp - 48;
  let zero = zeroOf.get(cp);
  if (zero === undefined) {
    // Every block of decimal digits in Unicode is complete (0–9) and contiguous, and blocks that
    // touch (the mathematical digits) are whole blocks: the distance to the run's start, mod 10.
    zero = cp;
    while (DIGIT.test(String.fromCodePoint(zero - 1))) zero--;
    zeroOf.set(cp, zero);
  }
  return (cp - zero) % 10;
}

function isDigit(ch: string): boolean {
  const c = ch.charCodeAt(0);
  if (c < 128) return c >= 48 && c <= 57;
  return DIGIT.test(ch);
}

function isLetter(ch: string): boolean {
  const c = ch.charCodeAt(0);
  if (c < 128) return (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
  return LETTER.test(ch);
}

/** True when a digit string passes the Luhn check. */
export function luhnValid(digits: string): boolean {
  if (!/^\d+$/.test(digits)) return false;
  // Read from the string itself (an import checks millions of numbers): ASCII digits, by the test above.
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

function luhnWindow(values: readonly number[], start: number, length: number): boolean {
  let sum = 0;
  for (let i = 0; i < length; i++) {
    let d = values[start + length - 1 - i];
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

/** A run of digits joined by short separators: each digit's value, place in the text and group. */
interface DigitRun {
  values: number[];
  at: number[];
  group: number[];
}

/** Splits a text's code points into runs of at least 13 digits; returns the runs. */
function digitRuns(chars: readonly string[]): DigitRun[] {
  const runs: DigitRun[] = [];
  let i = 0;
  while (i < chars.length) {
    if (!isDigit(chars[i])) {
      i++;
      continue;
    }
    const run: DigitRun = { values: [], at: [], group: [] };
    let group = 0;
    for (;;) {
      run.values.push(digitValue(chars[i]));
      run.at.push(i);
      run.group.push(group);
      i++;
      if (i < chars.length && isDigit(chars[i])) continue;
      let j = i;
      while (j < chars.length && j - i < MAX_SEPARATOR && !isDigit(chars[j]) && !isLetter(chars[j])) j++;
      if (j === i || j >= chars.length || !isDigit(chars[j])) break;
      i = j;
      group++;
    }
    if (run.values.length >= MIN_PAN) runs.push(run);
  }
  return runs;
}

/**
 * Marks in `mask` (by place in the text) the digits of a run to hide. First the card numbers as the
 * sender grouped them (windows starting and ending at group boundaries): all but the last 4 digits,
 * and the expiry or CVV groups right after. Then every other Luhn-valid window, e.g. one inside a
 * longer run of digits: all but its last 4 digits still visible, so that no window that could be a
 * card number keeps more than 4 digits in clear.
 */
function markRun(run: DigitRun, mask: Uint8Array): void {
  const n = run.values.length;
  const boundary = (k: number) => k === 0 || k === n || run.group[k] !== run.group[k - 1];
  const windows: [number, number][] = [];
  for (let start = 0; start + MIN_PAN <= n; start++) {
    for (let end = start + MIN_PAN; end <= start + MAX_PAN && end <= n; end++) {
      if (luhnWindow(run.values, start, end - start)) windows.push([start, end]);
    }
  }
  for (const [start, end] of windows) {
    if (!boundary(start) || !boundary(end)) continue;
    for (let k = start; k < end - 4; k++) mask[run.at[k]] = 1;
    markTrailing(run, end, mask);
  }
  for (const [start, end] of windows) {
    let visible = 4;
    for (let k = end - 1; k >= start; k--) {
      if (mask[run.at[k]]) continue;
      if (visible > 0) visible--;
      else mask[run.at[k]] = 1;
    }
  }
}

/** Hides the 2–4 digit groups right after a card number (an expiry such as `1225` or `12/25`, a CVV). */
function markTrailing(run: DigitRun, from: number, mask: Uint8Array): void {
  let p = from;
  let digits = 0;
  for (let groups = 0; groups < TRAILING_GROUPS && p < run.values.length; groups++) {
    let q = p;
    while (q < run.values.length && run.group[q] === run.group[p]) q++;
    const length = q - p;
    if (length < 2 || length > 4 || digits + length > TRAILING_DIGITS) return;
    for (let k = p; k < q; k++) mask[run.at[k]] = 1;
    digits += length;
    p = q;
  }
}

/**
 * Masks every card number in a text with `*`, keeping only its last 4 digits: 13–19 Unicode
 * decimal digits (`\p{Nd}`: ASCII, full-width, Arabic-Indic…) that pass Luhn, grouped by short runs
 * (1–3 characters) of anything but letters — spaces of any kind, dots, slashes, hyphens and dashes,
 * line breaks — also inside a longer run of digits (every window is tried), and the expiry or CVV
 * right after it. Separators stay as they were, so the text still reads the same.
 */
export function maskCardNumbers(text: string): string {
  if (text.length < MIN_PAN) return text;
  const chars = Array.from(text);
  const runs = digitRuns(chars);
  if (runs.length === 0) return text;
  const mask = new Uint8Array(chars.length);
  for (const run of runs) markRun(run, mask);
  let out = '';
  for (let i = 0; i < chars.length; i++) out += mask[i] ? '*' : chars[i];
  return out;
}

/**
 * A copy of a JSON-like value (plain objects, arrays, strings; at most `depth` levels) with card
 * numbers masked in every string; other values (numbers, dates, errors) are kept as they are.
 */
export function maskCardNumbersIn<T>(value: T, depth = 6): T {
  if (typeof value === 'string') return maskCardNumbers(value) as T;
  if (depth <= 0 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v: unknown) => maskCardNumbersIn(v, depth - 1)) as T;
  if (Object.getPrototypeOf(value) !== Object.prototype) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = maskCardNumbersIn(v, depth - 1);
  return out as T;
}
