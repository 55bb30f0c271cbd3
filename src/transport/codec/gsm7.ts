/**
 * GSM 03.38 7-bit default alphabet and its extension table, and the SMS segment arithmetic:
 * GSM-7 160 septets alone or 153 per part, UCS-2 70 code units alone or 67 per part.
 */

// The basic table, in code order 0x00–0x7F (0x1B is the escape to the extension table).
const BASIC = '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\u001bÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?' + '¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';

// The extension table: each costs two septets (escape + code).
const EXTENSION: Readonly<Record<string, number>> = {
  '\f': 0x0a,
  '^': 0x14,
  '{': 0x28,
  '}': 0x29,
  '\\': 0x2f,
  '[': 0x3c,
  '~': 0x3d,
  ']': 0x3e,
  '|': 0x40,
  '€': 0x65,
};

const BASIC_CODE = new Map<string, number>([...BASIC].map((ch, i) => [ch, i] as [string, number]).filter(([, i]) => i !== 0x1b));
const BASIC_CHAR = [...BASIC];
const EXTENSION_CHAR = new Map<number, string>(Object.entries(EXTENSION).map(([ch, code]) => [code, ch]));

/** How a text is sent: GSM-7 when every character fits, else UCS-2. */
export type SmsEncoding = 'GSM-7' | 'UCS-2';

/** True when a character is in the GSM 03.38 basic or extension table. */
export function isGsmChar(ch: string): boolean {
  return BASIC_CODE.has(ch) || ch in EXTENSION;
}

/** GSM-7 when every character fits the default alphabet (with its extension), else UCS-2. */
export function encodingOf(text: string): SmsEncoding {
  for (const ch of text) if (!isGsmChar(ch)) return 'UCS-2';
  return 'GSM-7';
}

/** Septets a GSM-7 text takes (extension characters count two). */
export function septetLength(text: string): number {
  let n = 0;
  for (const ch of text) n += ch in EXTENSION ? 2 : 1;
  return n;
}

/**
 * Splits a text into the parts it is sent as. A GSM-7 part never ends between an escape and its
 * extension character; a UCS-2 part never splits a surrogate pair.
 */
export function splitSegments(text: string): { encoding: SmsEncoding; parts: string[] } {
  const encoding = encodingOf(text);
  const single = encoding === 'GSM-7' ? 160 : 70;
  const multi = encoding === 'GSM-7' ? 153 : 67;
  const cost = (ch: string) => (encoding === 'GSM-7' ? (ch in EXTENSION ? 2 : 1) : ch.length);
  const chars = [...text];
  const total = chars.reduce((n, ch) => n + cost(ch), 0);
  if (total <= single) return { encoding, parts: [text] };
  const parts: string[] = [];
  let current = '';
  let used = 0;
  for (const ch of chars) {
    const c = cost(ch);
    if (used + c > multi) {
      parts.push(current);
      current = '';
      used = 0;
    }
    current += ch;
    used += c;
  }
  if (current) parts.push(current);
  return { encoding, parts };
}

/** Encoding and number of SMS parts of a text. */
export function measure(text: string): { encoding: SmsEncoding; segments: number } {
  const { encoding, parts } = splitSegments(text);
  return { encoding, segments: parts.length };
}

/**
 * A text cut to at most `max` segments: the longest start of it, then `...` (GSM-7) or `…` (UCS-2),
 * then `suffix` (an opt-out line, never cut). A text that fits is returned whole with its suffix.
 */
export function fitSegments(text: string, max: number, suffix = ''): string {
  if (measure(text + suffix).segments <= max) return text + suffix;
  const ellipsis = encodingOf(text + suffix) === 'GSM-7' ? '...' : '…';
  const chars = [...text];
  let lo = 0;
  let hi = chars.length;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (measure(chars.slice(0, mid).join('') + ellipsis + suffix).segments <= max) lo = mid;
    else hi = mid - 1;
  }
  return chars.slice(0, lo).join('').trimEnd() + ellipsis + suffix;
}

/** Unpacked GSM-7 septets (one per byte, as SMPP data_coding 0 carries them) for a GSM text. */
export function encodeGsm7(text: string): Buffer {
  const out: number[] = [];
  for (const ch of text) {
    const code = BASIC_CODE.get(ch);
    if (code !== undefined) out.push(code);
    else if (ch in EXTENSION) out.push(0x1b, EXTENSION[ch]);
    else out.push(BASIC_CODE.get('?')!);
  }
  return Buffer.from(out);
}

/**
 * Decodes unpacked GSM-7 septets. `@` is 0x00, so the text is not a C string; an escape followed by
 * an unknown code yields the basic character (03.38's rule), a trailing escape a space.
 */
export function decodeGsm7(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i] & 0x7f;
    if (b === 0x1b) {
      const next = bytes[i + 1];
      if (next === undefined) {
        s += ' ';
        break;
      }
      i++;
      s += EXTENSION_CHAR.get(next & 0x7f) ?? BASIC_CHAR[next & 0x7f];
    } else {
      s += BASIC_CHAR[b];
    }
  }
  return s;
}

/** Every character of the GSM 03.38 basic table (without the escape) and of its extension, for SQL's translate(). */
export const GSM_CHARACTERS = { basic: [...BASIC_CODE.keys()].join(''), extension: Object.keys(EXTENSION).join('') };
