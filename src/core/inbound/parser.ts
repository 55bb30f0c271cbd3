import { distance } from 'fastest-levenshtein';
import type { Locale } from '../../db/schema';
import { guessLocale, hasHan, normalizeCommandText } from './normalize';
import { MAX_LEFTOVER, PHRASEBOOKS } from './phrasebook';
import { localeOf, type PhrasingSpec, type Tidied, Understanding } from './understand';

/** What the parser needs to know of a command: its name, its keywords per language and how loosely it may be read. */
export interface KeywordSpec extends PhrasingSpec {
  /** Validates argument words; a read-only keyword followed by words it cannot take is read loosely instead. */
  args?: { safeParse(words: string[]): { success: boolean } };
  /** Acts on its exact form even when asked ("STOP?"): a carrier opt-out is honoured whatever the punctuation. */
  evenAsked?: boolean;
  /** A general intent (the menu): named beside another read-only intent ("help me check my balance"), the other one wins. */
  fallback?: boolean;
}

/** The outcome of parsing one inbound text. */
export type ParseResult =
  /** A keyword (`loose: false`), or one read-only intent read inside a short sentence (`loose: true`). */
  | { kind: 'command'; name: string; args: string[]; keyword: string; locale: Locale | null; loose: boolean }
  /** An action named loosely, negated or asked ("is my card lost", "不要挂失", "LOST?"): asked back, never done. */
  | { kind: 'unsure'; name: string; locale: Locale }
  /** Two or more read-only intents in one text: asked which, not guessed. */
  | { kind: 'ambiguous'; names: string[]; locale: Locale }
  | { kind: 'empty' }
  | { kind: 'unknown'; suggestion: string | null; locale: Locale | null };

interface AliasEntry {
  name: string;
  keyword: string;
  locale: Locale | null;
  standalone: boolean;
}

/** Argument words as a keyword takes them: letters and digits only (punctuation sends a text to be tidied first). */
const WORD = /^[\p{L}\p{N}]+$/u;

/**
 * A keyword table compiled once from command specs; `parse` is pure. A text is first matched as
 * typed (the hot path: `BAL`, `余额 1234`); then with punctuation and politeness taken off; then,
 * with `understand` (cardholders, not staff), read loosely with the phrasebooks: one read-only
 * intent in a short sentence is answered, anything that would act is only asked about.
 */
export class KeywordParser {
  private readonly byAlias = new Map<string, AliasEntry>();
  private readonly specs = new Map<string, KeywordSpec>();
  private readonly hanAliases: string[];
  private readonly latinAliases: string[];
  private readonly understanding: Understanding | null;

  /** Compiles the specs; an alias or phrasing claimed by two commands is a programming error. */
  constructor(specs: readonly KeywordSpec[], opts: { understand?: boolean } = {}) {
    for (const spec of specs) {
      this.specs.set(spec.name, spec);
      const standalone = new Set((spec.standalone ?? []).map((w) => normalizeCommandText(w)));
      for (const [locale, words] of Object.entries(spec.aliases) as [Locale, readonly string[]][]) {
        for (const word of words) {
          const alias = normalizeCommandText(word);
          const existing = this.byAlias.get(alias);
          if (existing && existing.name !== spec.name) {
            throw new Error(`keyword ${alias} claimed by ${existing.name} and ${spec.name}`);
          }
          // The same word in two Chinese scripts (是, 否) says nothing about which one is meant.
          const lang = existing && existing.locale !== locale ? null : locale;
          this.byAlias.set(alias, { name: spec.name, keyword: alias, locale: lang, standalone: standalone.has(alias) });
        }
      }
    }
    const all = [...this.byAlias.keys()];
    this.hanAliases = all.filter(hasHan).sort((a, b) => b.length - a.length);
    // Never suggested: a carrier's everyday word (CANCL → CANCEL would opt a cardholder out).
    this.latinAliases = all.filter((a) => /^[A-Z]+$/.test(a) && !this.byAlias.get(a)!.standalone);
    this.understanding = opts.understand === false ? null : new Understanding(specs, Object.values(PHRASEBOOKS));
  }

  /** Splits a text into keyword and arguments, or says what else it is. */
  parse(text: string): ParseResult {
    const t = normalizeCommandText(text);
    if (t === '') return { kind: 'empty' };
    const exact = this.exact(t, false, false);
    if (exact) return exact;
    if (!this.understanding) return this.unknown(t.split(' ')[0], guessLocale(t));
    const tidied = this.understanding.tidy(t);
    // Only punctuation, greetings and thanks ("??", "hi", "谢谢"): the general intent (the menu).
    if (tidied.text === '') return tidied.polite || tidied.question ? this.fallback(t) : { kind: 'empty' };
    const exact2 = this.exact(tidied.text, tidied.question, true);
    // Tidied text is folded to Simplified: the language and keyword come from what was typed.
    if (exact2?.kind === 'command' && exact2.locale !== 'en' && hasHan(t)) {
      const locale = localeOf(t);
      return { ...exact2, locale: exact2.locale === null ? null : locale, keyword: this.keywordIn(exact2.name, locale) };
    }
    return exact2 ?? this.loose(t, tidied);
  }

  /** The general intent (help), read loosely; an empty text when there is none. */
  private fallback(t: string): ParseResult {
    const spec = [...this.specs.values()].find((s) => s.fallback);
    if (!spec) return { kind: 'empty' };
    const locale = localeOf(t);
    return { kind: 'command', name: spec.name, args: [], keyword: this.keywordIn(spec.name, locale), locale, loose: true };
  }

  /** A command's first keyword in a language, normalised. */
  private keywordIn(name: string, locale: Locale): string {
    return normalizeCommandText(this.specs.get(name)!.aliases[locale][0] ?? name);
  }

  /**
   * The text as a keyword and its arguments, or null when it is not one (or is one only loosely).
   * Before the text is `tidied`, arguments the keyword cannot take send it to be tidied first ("LOST please").
   */
  private exact(s: string, question: boolean, tidied: boolean): ParseResult | null {
    const hit = this.keyword(s);
    if (!hit) return null;
    const { entry, args } = hit;
    if (this.understanding) {
      const spec = this.specs.get(entry.name)!;
      if (args.some((a) => !WORD.test(a)) || (args.length > 0 && entry.standalone)) return null;
      // Words a keyword cannot take are tidied first ("LOST please"); then, after a read-only keyword
      // ("points and balance") or a Chinese keyword that only begins a sentence ("是不是要挂失"), read
      // loosely. An action keyword followed by words keeps them and answers with its usage ("lost my
      // card"), and digits alone are left to the command ("ACT 12345", "BAL 12": no schema run on the
      // hot path): the usage says what the command needs, and nothing is done.
      const refused = args.some((a) => /\D/u.test(a)) && spec.args !== undefined && !spec.args.safeParse(args).success;
      if (refused && (!tidied || spec.readOnly || hit.prefix)) return null;
      if (question && !spec.readOnly && !spec.evenAsked) return { kind: 'unsure', name: spec.name, locale: entry.locale ?? localeOf(s) };
    }
    return { kind: 'command', name: entry.name, args, keyword: entry.keyword, locale: entry.locale, loose: false };
  }

  private keyword(s: string): { entry: AliasEntry; args: string[]; prefix?: boolean } | null {
    const [head, ...rest] = s.split(' ');
    const exact = this.byAlias.get(head);
    if (exact) return { entry: exact, args: rest };
    // Two-word keywords: OPT OUT.
    const pair = rest.length > 0 ? this.byAlias.get(`${head} ${rest[0]}`) : undefined;
    if (pair) return { entry: pair, args: rest.slice(1) };
    // Chinese keywords are often run together with their argument: 开卡123456, 报名 A1.
    const han = this.hanAliases.find((a) => s.startsWith(a));
    if (han) return { entry: this.byAlias.get(han)!, args: splitArgs(s.slice(han.length)), prefix: true };
    // Latin keywords run together with digits: ACT123456, BAL1234.
    const glued = /^([A-Z]+)(\d[\d ]*)$/.exec(s);
    const gluedEntry = glued && this.byAlias.get(glued[1]);
    return gluedEntry ? { entry: gluedEntry, args: splitArgs(glued[2]) } : null;
  }

  /** One read-only intent in a short sentence is answered; an action is asked about; the rest is not understood. */
  private loose(t: string, tidied: Tidied): ParseResult {
    const reading = this.understanding!.read(tidied.text);
    const locale = localeOf(t);
    if (reading.actions.length > 0) return { kind: 'unsure', name: reading.actions[0], locale };
    let names = [...new Set(reading.intents.map((i) => i.name))];
    if (names.length > 1) names = names.filter((n) => !this.specs.get(n)!.fallback);
    const short = reading.leftover.words <= MAX_LEFTOVER.words && reading.leftover.han <= MAX_LEFTOVER.han;
    if (names.length === 0 || reading.negated || !short) return this.unknown(tidied.text.split(' ')[0], locale);
    if (names.length > 1) return { kind: 'ambiguous', names, locale };
    // Latin pinyin (YE, ZD) says Simplified Chinese; English words say English.
    const said = hasHan(t) ? locale : reading.intents.find((i) => i.name === names[0])!.locale;
    const spec = this.specs.get(names[0])!;
    const args = reading.numbers.length === 1 && spec.args?.safeParse(reading.numbers).success !== false ? reading.numbers : [];
    return { kind: 'command', name: names[0], args, keyword: this.keywordIn(names[0], said), locale: said, loose: true };
  }

  private unknown(word: string, locale: Locale): ParseResult {
    // A keyword that was not one here (START in "start my card") suggests nothing else.
    return { kind: 'unknown', suggestion: this.byAlias.has(word) ? null : this.nearest(word), locale };
  }

  /** The closest Latin keyword within a small edit distance (BALL → BAL), else null. */
  private nearest(word: string): string | null {
    if (!/^[A-Z]{2,12}$/.test(word)) return null;
    let best: string | null = null;
    let bestDistance = word.length <= 4 ? 1 : 2;
    for (const alias of this.latinAliases) {
      if (alias.length < 2) continue;
      const d = distance(word, alias);
      if (d <= bestDistance && (best === null || d < bestDistance)) {
        best = alias;
        bestDistance = d;
      }
    }
    return best;
  }
}

function splitArgs(s: string): string[] {
  const trimmed = s.trim();
  return trimmed === '' ? [] : trimmed.split(' ');
}
