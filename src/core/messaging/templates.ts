import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { IntlMessageFormat } from 'intl-messageformat';
import { projectPath } from '../../shared/paths';
import type { Locale } from '../../db/schema';

/** The templates folder of this checkout. */
export const TEMPLATES_DIR = projectPath('templates');

/** The reply languages, in the order help lists them. */
export const LOCALES: readonly Locale[] = ['en', 'zh-CN', 'zh-HK'];

/** Values a template may use. */
export type TemplateValues = Record<string, string | number | Date>;

/** Reply and notice texts from `templates/<locale>/<area>.json`, rendered with ICU MessageFormat. */
export class Templates {
  private readonly sources = new Map<Locale, Map<string, string>>();
  // Bounded: one per locale and template key in the files (a few hundred).
  private readonly compiled = new Map<string, IntlMessageFormat>();

  /** Loads every `<area>.json` under each locale folder; keys become `<area>.<key>`. */
  constructor(dir: string) {
    for (const locale of LOCALES) {
      const texts = new Map<string, string>();
      const folder = path.join(dir, locale);
      for (const file of readdirSync(folder)
        .filter((f) => f.endsWith('.json'))
        .sort()) {
        const area = file.slice(0, -'.json'.length);
        const entries = JSON.parse(readFileSync(path.join(folder, file), 'utf8')) as Record<string, string>;
        for (const [key, text] of Object.entries(entries)) texts.set(`${area}.${key}`, text);
      }
      this.sources.set(locale, texts);
    }
  }

  /** Every template key of a locale. */
  keys(locale: Locale): string[] {
    return [...(this.sources.get(locale)?.keys() ?? [])].sort();
  }

  /** Renders one template; a missing key is a programming error and throws. */
  render(locale: Locale, key: string, values: TemplateValues = {}): string {
    const cacheKey = `${locale}\u0000${key}`;
    let format = this.compiled.get(cacheKey);
    if (!format) {
      const source = this.sources.get(locale)?.get(key);
      if (source === undefined) throw new Error(`no template ${key} for ${locale}`);
      format = new IntlMessageFormat(source, locale);
      this.compiled.set(cacheKey, format);
    }
    return String(format.format(values));
  }
}

// Bounded: one per locale (3) and currency code (ISO 4217, under 200) in use.
const moneyFormats = new Map<string, Intl.NumberFormat>();

/** An amount in its currency, in the locale's format (`¥1,234.50`, `HK$1,234.50`). */
export function formatMoney(amount: number, currency: string, locale: Locale): string {
  const key = `${locale}|${currency}`;
  let fmt = moneyFormats.get(key);
  if (!fmt) {
    fmt = new Intl.NumberFormat(locale, { style: 'currency', currency });
    moneyFormats.set(key, fmt);
  }
  return fmt.format(amount);
}

/** A calendar date (`YYYY-MM-DD`) in the locale's medium format; no time zone shift. */
export function formatDay(day: string, locale: Locale): string {
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeZone: 'UTC' }).format(new Date(`${day}T00:00:00Z`));
}

// Bounded: one per locale (3) and customer time zone (validated IANA names, under 600).
const momentFormats = new Map<string, Intl.DateTimeFormat>();

/** A moment in the customer's time zone, date and minutes, in the locale's format. */
export function formatMoment(at: Date, timeZone: string, locale: Locale): string {
  // Building a DateTimeFormat costs more than formatting with one; a BAL reply needs one.
  const key = `${locale}|${timeZone}`;
  let fmt = momentFormats.get(key);
  if (!fmt) {
    fmt = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short', timeZone });
    momentFormats.set(key, fmt);
  }
  return fmt.format(at);
}
