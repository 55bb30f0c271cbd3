import { Converter } from 'opencc-js/t2cn';
import type { Locale } from '../../db/schema';
import { hasHan, normalizeCommandText } from './normalize';
import { BETWEEN, CANTONESE, type Phrasebook } from './phrasebook';

/** Phrasings per language: the words and phrases that name a command inside a sentence. */
export type Phrasings = Readonly<Partial<Record<Locale, readonly string[]>>>;

/** What the loose reading needs to know of a command. */
export interface PhrasingSpec {
  name: string;
  aliases: Readonly<Record<Locale, readonly string[]>>;
  phrasings?: Phrasings;
  /** Aliases that count only as the whole text; they are never looked for inside one. */
  standalone?: readonly string[];
  readOnly?: boolean;
}

type Role = 'polite' | 'question' | 'around' | 'negation';
type Meaning = { role: Role } | { role: 'intent'; name: string; readOnly: boolean; locale: Locale };
/** A piece of a text: a known phrase (with its meaning) or a word, number or Han character no table knows. */
type Segment = { token: string; start: number; end: number; meaning: Meaning | null };

/** A text with punctuation, politeness and question words taken off its ends. */
export interface Tidied {
  text: string;
  /** A `?` anywhere, or a question word at either end (吗, 请问, "can I"). */
  question: boolean;
  /** Some politeness was taken off ("please", "谢谢", "唔該"). */
  polite: boolean;
}

/** What the loose reading found in a text, in order. */
export interface Reading {
  /** Read-only intents named (balance, bill, …), by command name, with the language of the phrase. */
  intents: { name: string; locale: Locale }[];
  /** Other commands named: these are only ever asked about. */
  actions: string[];
  negated: boolean;
  /** 4-digit numbers (a card's last 4 digits). */
  numbers: string[];
  /** Words and Han characters no table knows. */
  leftover: { words: number; han: number };
}

let toSimplified: ((text: string) => string) | undefined;

/**
 * Folds Traditional characters to Simplified with OpenCC's Hong Kong → mainland tables (賬單 →
 * 账单, 查詢 → 查询, 唔該 → 唔该), so each phrase is matched in either script.
 */
export function fold(text: string): string {
  if (!hasHan(text)) return text;
  toSimplified ??= Converter({ from: 'hk', to: 'cn' });
  return toSimplified(text);
}

/** The reply language a text suggests: Traditional (or Cantonese) Chinese, Simplified, or English. */
export function localeOf(text: string): Locale {
  if (!hasHan(text)) return 'en';
  return CANTONESE.test(text) || fold(text) !== text ? 'zh-HK' : 'zh-CN';
}

/** Apostrophes dropped (WHAT'S → WHATS), other punctuation and symbols (emoji too) made spaces. */
function cleanse(normalized: string): string {
  return normalized
    .replace(/['’‘`´]/gu, '')
    .replace(/[\p{P}\p{S}]+/gu, ' ')
    .replace(/\s+/gu, ' ')
    .trim();
}

/** The form a phrase or text is compared in: normalised, cleansed, folded to Simplified. */
export function matchForm(text: string): string {
  return fold(cleanse(normalizeCommandText(text)));
}

const TOKEN = /[A-Z][A-Z0-9]*|\d+|\p{Script=Han}+|[^\sA-Z\d\p{Script=Han}]+/gu;
const LATIN = /^[A-Z0-9]+(?: [A-Z0-9]+)*$/;
const ONLY_HAN = /^\p{Script=Han}+$/u;

/** The phrasebooks and the commands' phrasings compiled into one dictionary; reading is pure. */
export class Understanding {
  private readonly latin = new Map<string, { words: string[]; meaning: Meaning }[]>();
  private readonly han = new Map<string, Meaning>();
  private hanMax = 1;
  private readonly between = new Set(BETWEEN);

  /** Compiles; a phrase given two meanings (two commands, or a command and a phrasebook role) is a programming error. */
  constructor(specs: readonly PhrasingSpec[], books: readonly Phrasebook[]) {
    for (const book of books) {
      for (const role of ['polite', 'question', 'around', 'negation'] as const) {
        for (const word of book[role]) this.add(word, { role }, true);
      }
    }
    for (const spec of specs) {
      const standalone = new Set((spec.standalone ?? []).map((w) => normalizeCommandText(w)));
      for (const [locale, words] of Object.entries(spec.aliases) as [Locale, readonly string[]][]) {
        // A keyword is looked for inside a text too, unless it is a carrier's whole-text word or too short to mean anything there (T, Y, 是).
        for (const word of words.filter((w) => !standalone.has(normalizeCommandText(w)) && /^(?:\p{Script=Han}{2,}|[A-Za-z]{3,}(?: [A-Za-z]+)*)$/u.test(w))) {
          this.add(word, { role: 'intent', name: spec.name, readOnly: spec.readOnly === true, locale }, false);
        }
      }
      for (const [locale, words] of Object.entries(spec.phrasings ?? {}) as [Locale, readonly string[]][]) {
        for (const word of words) this.add(word, { role: 'intent', name: spec.name, readOnly: spec.readOnly === true, locale }, true);
      }
    }
    for (const list of this.latin.values()) list.sort((a, b) => b.words.length - a.words.length);
  }

  private add(phrase: string, meaning: Meaning, strict: boolean): void {
    const key = matchForm(phrase);
    const han = ONLY_HAN.test(key);
    if (!han && !LATIN.test(key)) {
      if (strict) throw new Error(`phrase ${JSON.stringify(phrase)} mixes scripts or has no letters`);
      return;
    }
    const existing = han ? this.han.get(key) : this.latin.get(key.split(' ')[0])?.find((e) => e.words.join(' ') === key)?.meaning;
    if (existing) {
      if (describe(existing) !== describe(meaning)) throw new Error(`phrase ${key} is both ${describe(existing)} and ${describe(meaning)}`);
      return;
    }
    if (han) {
      this.han.set(key, meaning);
      this.hanMax = Math.max(this.hanMax, key.length);
      return;
    }
    const words = key.split(' ');
    const list = this.latin.get(words[0]) ?? [];
    list.push({ words, meaning });
    this.latin.set(words[0], list);
  }

  /** Takes punctuation off a normalised text, folds it to Simplified, and politeness and question words off its ends. */
  tidy(normalized: string): Tidied {
    const text = fold(cleanse(normalized));
    const segments = this.segment(text);
    let question = normalized.includes('?');
    let polite = false;
    const isEnd = (s: Segment | undefined) => s?.meaning?.role === 'polite' || s?.meaning?.role === 'question';
    let first = 0;
    let last = segments.length - 1;
    for (; first <= last && isEnd(segments[first]); first++) [question, polite] = flag(segments[first], question, polite);
    for (; last >= first && isEnd(segments[last]); last--) [question, polite] = flag(segments[last], question, polite);
    return { text: first > last ? '' : text.slice(segments[first].start, segments[last].end), question, polite };
  }

  /** Reads a tidied text: the intents, actions, negation, card digits and unread words in it. */
  read(tidied: string): Reading {
    const reading: Reading = { intents: [], actions: [], negated: false, numbers: [], leftover: { words: 0, han: 0 } };
    for (const { meaning, token } of this.segment(tidied)) {
      if (meaning) apply(meaning, reading);
      else if (/^\d{4}$/.test(token)) reading.numbers.push(token);
      else if (ONLY_HAN.test(token)) reading.leftover.han += token.length;
      else reading.leftover.words++;
    }
    return reading;
  }

  /** What a tidied text says without the words around it ("WHATS MY IBAN" → "IBAN"): how texts not understood are grouped. */
  gist(tidied: string): string {
    const around: readonly string[] = ['polite', 'question', 'around'];
    return this.segment(tidied)
      .filter((s) => !s.meaning || !around.includes(s.meaning.role))
      .map((s) => s.token)
      .join(' ');
  }

  /** Cuts a text into known phrases, longest first, word by word (Han character by character); what no table knows stands alone. */
  private segment(text: string): Segment[] {
    const tokens = [...text.matchAll(TOKEN)].map((m) => ({ token: m[0], start: m.index, end: m.index + m[0].length }));
    const out: Segment[] = [];
    for (let i = 0; i < tokens.length;) {
      const { token, start } = tokens[i];
      if (ONLY_HAN.test(token)) {
        this.segmentHan(token, start, out);
        i++;
        continue;
      }
      const found = /^\d/.test(token)
        ? null
        : this.matchLatin(
            tokens.map((t) => t.token),
            i,
          );
      const end = found ? found.end : i + 1;
      out.push({ token: text.slice(start, tokens[end - 1].end), start, end: tokens[end - 1].end, meaning: found?.meaning ?? null });
      i = end;
    }
    return out;
  }

  private segmentHan(run: string, offset: number, out: Segment[]): void {
    for (let j = 0; j < run.length;) {
      let len = Math.min(this.hanMax, run.length - j);
      while (len > 1 && !this.han.has(run.slice(j, j + len))) len--;
      const piece = run.slice(j, j + len);
      out.push({ token: piece, start: offset + j, end: offset + j + len, meaning: this.han.get(piece) ?? null });
      j += len;
    }
  }

  /** The longest phrase starting at token i; its later words may have MY, THE, … between them. */
  private matchLatin(tokens: string[], i: number): { meaning: Meaning; end: number } | null {
    for (const { words, meaning } of this.latin.get(tokens[i]) ?? []) {
      let j = i + 1;
      let ok = true;
      for (const word of words.slice(1)) {
        while (j < tokens.length && tokens[j] !== word && this.between.has(tokens[j])) j++;
        if (tokens[j] !== word) {
          ok = false;
          break;
        }
        j++;
      }
      if (ok) return { meaning, end: j };
    }
    return null;
  }
}

function describe(m: Meaning): string {
  return m.role === 'intent' ? `a phrasing of ${m.name}` : `a ${m.role} word`;
}

function flag(s: Segment, question: boolean, polite: boolean): [boolean, boolean] {
  return [question || s.meaning?.role === 'question', polite || s.meaning?.role === 'polite'];
}

function apply(meaning: Meaning, reading: Reading): void {
  if (meaning.role === 'negation') reading.negated = true;
  if (meaning.role !== 'intent') return;
  if (meaning.readOnly) reading.intents.push({ name: meaning.name, locale: meaning.locale });
  else if (!reading.actions.includes(meaning.name)) reading.actions.push(meaning.name);
}
