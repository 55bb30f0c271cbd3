import { z } from 'zod';
import type { Command } from '../commands/command';
import { normalizeCommandText } from '../inbound/normalize';

/**
 * Words carriers and Twilio act on (opt-out, opt-in, help) on some numbers, whether or not Uplink
 * has them as keywords: a staff keyword may never be one of them.
 */
export const CARRIER_WORDS: readonly string[] = [
  'STOP',
  'STOPALL',
  'UNSUBSCRIBE',
  'CANCEL',
  'END',
  'QUIT',
  'TD',
  'T',
  'START',
  'YES',
  'UNSTOP',
  'HELP',
  'INFO',
  '退订',
  '退訂',
];

/**
 * What a word would shadow, as the reason a staff keyword is refused: a carrier word, a built-in
 * keyword, or a built-in phrasing (a text that is read as a service before staff keywords are looked at).
 */
export function shadowReason(commands: readonly Command[], word: string): string | null {
  if (CARRIER_WORDS.includes(word)) return `${word} is a carrier keyword (opt-out, opt-in or help)`;
  for (const c of commands) {
    for (const words of Object.values(c.aliases))
      if (words.some((w) => normalizeCommandText(w) === word)) return `${word} is a keyword of the built-in service ${c.name}`;
  }
  for (const c of commands) {
    for (const words of Object.values(c.phrasings ?? {}))
      if ((words as readonly string[]).some((w) => normalizeCommandText(w) === word)) return `${word} is read as the built-in service ${c.name}`;
  }
  return null;
}

const word = z
  .string()
  .transform((w) => normalizeCommandText(w))
  .pipe(z.string().regex(/^[\p{L}\p{N}]{1,20}$/u, 'one word of 1–20 letters or digits'));
const text = z.string().trim().min(1).max(300);
const perLocale = z.strictObject({ default: text, standard: text.optional(), gold: text.optional(), platinum: text.optional() });

/** A staff keyword as the API takes it: one word, aliases, a reply per language (optionally per tier), valid from/to. */
export const infoKeywordSchema = z
  .strictObject({
    keyword: word,
    aliases: z.array(word).max(10).default([]),
    replies: z.strictObject({ en: perLocale, 'zh-CN': perLocale, 'zh-HK': perLocale }),
    validFrom: z.iso.datetime({ offset: true }).nullable().default(null),
    validTo: z.iso.datetime({ offset: true }).nullable().default(null),
  })
  .refine((k) => !k.validFrom || !k.validTo || Date.parse(k.validFrom) < Date.parse(k.validTo), { message: 'must be after validFrom', path: ['validTo'] })
  .refine((k) => !k.aliases.includes(k.keyword) && new Set(k.aliases).size === k.aliases.length, { message: 'aliases repeat a word', path: ['aliases'] });

/** The normalised text a staff keyword is looked up by: the whole text, a trailing question mark dropped. */
export function infoLookupWord(text: string): string | null {
  const t = normalizeCommandText(text)
    .replace(/[?？]+$/u, '')
    .trim();
  return /^[\p{L}\p{N}]{1,20}$/u.test(t) ? t : null;
}
