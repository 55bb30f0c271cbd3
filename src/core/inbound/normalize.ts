// Lone UTF-16 surrogates cannot be encoded to UTF-8 (PostgreSQL would refuse the row).
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
// C0 and C1 controls except tab, line feed and carriage return; NUL is among them.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/g;
// Trailing sentence punctuation people add to a keyword ("BAL.", "余额。").
const TRAILING_PUNCTUATION = /[.!,;。！，；、]+$/u;

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
  return sanitizeText(text)
    .replace(/\p{Cf}/gu, '') // zero-width spaces, bidi marks, BOM: invisible, yet they break matching
    .normalize('NFKC')
    .replace(/\s+/gu, ' ')
    .trim()
    .replace(TRAILING_PUNCTUATION, '')
    .trim()
    .toUpperCase();
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
