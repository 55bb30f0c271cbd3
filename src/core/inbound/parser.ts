import { distance } from 'fastest-levenshtein';
import type { Locale } from '../../db/schema';
import { guessLocale, hasHan, normalizeCommandText } from './normalize';

/** What the parser needs to know of a command: its name and its keywords per language. */
export interface KeywordSpec {
  name: string;
  aliases: Readonly<Record<Locale, readonly string[]>>;
}

/** The outcome of parsing one inbound text. */
export type ParseResult =
  | { kind: 'command'; name: string; args: string[]; keyword: string; locale: Locale | null }
  | { kind: 'empty' }
  | { kind: 'unknown'; suggestion: string | null; locale: Locale | null };

interface AliasEntry {
  name: string;
  keyword: string;
  locale: Locale | null;
}

/** A keyword table compiled once from command specs; `parse` is pure. */
export class KeywordParser {
  private readonly byAlias = new Map<string, AliasEntry>();
  private readonly hanAliases: string[];
  private readonly latinAliases: string[];

  /** Compiles the specs; an alias claimed by two commands is a programming error. */
  constructor(specs: readonly KeywordSpec[]) {
    for (const spec of specs) {
      for (const [locale, words] of Object.entries(spec.aliases) as [Locale, readonly string[]][]) {
        for (const word of words) {
          const alias = normalizeCommandText(word);
          const existing = this.byAlias.get(alias);
          if (existing && existing.name !== spec.name) {
            throw new Error(`keyword ${alias} claimed by ${existing.name} and ${spec.name}`);
          }
          // The same word in two Chinese scripts (是, 否) says nothing about which one is meant.
          const lang = existing && existing.locale !== locale ? null : locale;
          this.byAlias.set(alias, { name: spec.name, keyword: alias, locale: lang });
        }
      }
    }
    const all = [...this.byAlias.keys()];
    this.hanAliases = all.filter(hasHan).sort((a, b) => b.length - a.length);
    this.latinAliases = all.filter((a) => /^[A-Z]+$/.test(a));
  }

  /** Splits a text into keyword and arguments, or says it is empty or unknown. */
  parse(text: string): ParseResult {
    const t = normalizeCommandText(text);
    if (t === '') return { kind: 'empty' };
    const [head, ...rest] = t.split(' ');
    const exact = this.byAlias.get(head);
    if (exact) return this.command(exact, rest);
    // Chinese keywords are often run together with their argument: 开卡123456, 报名 A1.
    const han = this.hanAliases.find((a) => t.startsWith(a));
    if (han) return this.command(this.byAlias.get(han)!, splitArgs(t.slice(han.length)));
    // Latin keywords run together with digits: ACT123456, BAL1234.
    const glued = /^([A-Z]+)(\d[\d ]*)$/.exec(t);
    const gluedEntry = glued && this.byAlias.get(glued[1]);
    if (gluedEntry) return this.command(gluedEntry, splitArgs(glued[2]));
    return { kind: 'unknown', suggestion: this.nearest(head), locale: guessLocale(t) };
  }

  private command(entry: AliasEntry, args: string[]): ParseResult {
    return { kind: 'command', name: entry.name, args, keyword: entry.keyword, locale: entry.locale };
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
