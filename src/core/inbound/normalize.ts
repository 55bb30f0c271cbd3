// Lone UTF-16 surrogates cannot be encoded to UTF-8 (PostgreSQL would refuse the row).
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
// C0 and C1 controls except tab, line feed and carriage return; NUL is among them.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/g;
// Trailing sentence punctuation people add to a keyword ("BAL.", "余额。"); stripped by a loop from
// the end, not a regex anchored at `$` (which retried from every start of a run: quadratic).
const TRAILING_PUNCTUATION = new Set('.!,;。！，；、');

/** The longest text recorded: longer ones are cut (`…` at the end) after card numbers are masked. */
export const MAX_INBOUND_CHARS = 4000;
/** The most parts of one concatenated text taken in; parts past it are acknowledged and dropped. */
export const MAX_INBOUND_PARTS = 16;
/** Keywords and their arguments come first: only this much of a text is normalised for matching. */
const MAX_COMMAND_CHARS = 1000;

/**
 * Makes a received text storable: NUL and other control characters dropped, lone surrogates
 * replaced by U+FFFD. Nothing else changes, so the record shows what the customer sent.
 */
export function sanitizeText(text: string): string {
  return text.replace(LONE_SURROGATE, '\uFFFD').replace(CONTROL, '');
}

/**
 * Normalises a text for keyword matching: Unicode NFKC (full-width `ＢＡＬ`, `１２３４` and the
 * ideographic space become half-width), whitespace collapsed, trimmed, Latin upper-cased,
 * trailing punctuation dropped.
 */
export function normalizeCommandText(text: string): string {
  const words = sanitizeText(cut(text, MAX_COMMAND_CHARS))
    .replace(/\p{Cf}/gu, '') // zero-width spaces, bidi marks, BOM: invisible, yet they break matching
    .normalize('NFKC')
    .replace(/\s+/gu, ' ')
    .trim();
  let end = words.length;
  while (end > 0 && TRAILING_PUNCTUATION.has(words[end - 1])) end--;
  return words.slice(0, end).trim().toUpperCase();
}

/** The first `max` UTF-16 units of a text, never ending in half a surrogate pair. */
function cut(text: string, max: number): string {
  if (text.length <= max) return text;
  const code = text.charCodeAt(max - 1);
  return text.slice(0, code >= 0xd800 && code <= 0xdbff ? max - 1 : max);
}

/** A text as recorded: at most MAX_INBOUND_CHARS, a longer one cut with `…` at the end. */
export function capInboundText(text: string): string {
  return text.length <= MAX_INBOUND_CHARS ? text : `${cut(text, MAX_INBOUND_CHARS - 1)}…`;
}

/**
 * A part of a concatenated text as taken in: a set of more than MAX_INBOUND_PARTS parts is taken as
 * its first MAX_INBOUND_PARTS (the last of them ends in `…`); parts past them are dropped (null).
 */
export function capInboundPart<P extends { seq: number; total: number; text: string }>(part: P): P | null {
  if (part.total <= MAX_INBOUND_PARTS) return part;
  if (part.seq > MAX_INBOUND_PARTS) return null;
  return { ...part, total: MAX_INBOUND_PARTS, text: part.seq === MAX_INBOUND_PARTS ? `${part.text}…` : part.text };
}

/** True when a text contains Han characters. */
export function hasHan(text: string): boolean {
  return /\p{Script=Han}/u.test(text);
}

// Common characters that exist only in Traditional script; enough to tell a Hong Kong sender.
const TRADITIONAL_ONLY = /[們個這麼為時會說對於來號應帳賬餘開掛積幫報訂語銷請問嗎謝與發後還電話網絡]/u;

/** The reply locale for a text from an unknown sender: Traditional, Simplified or English. */
export function guessLocale(text: string): 'en' | 'zh-CN' | 'zh-HK' {
  if (!hasHan(text)) return 'en';
  return TRADITIONAL_ONLY.test(text) ? 'zh-HK' : 'zh-CN';
}
