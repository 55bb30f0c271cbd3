import { IntlMessageFormat } from 'intl-messageformat';
import { type RawBuilder, sql } from 'kysely';
import type { Locale } from '../../db/schema';
import { GSM_CHARACTERS, measure } from '../../transport/codec/gsm7';
import { type FieldExpressions, type MessageField, messageSql } from '../../domain/campaigns/message';
import { OPT_OUT_SEPARATOR } from '../outbox/outbox';

/** The language a customer gets: their own when the campaign has it, else English, else the campaign's first. */
export function languageFor(messages: Partial<Record<Locale, string>>, customerLocale: Locale): Locale {
  if (messages[customerLocale]) return customerLocale;
  if (messages.en) return 'en';
  return Object.keys(messages)[0] as Locale;
}

/** The opt-out line of each language, as the outbox adds it to marketing (`Reply STOP to opt out`, `回复TD退订`). */
export function optOutLines(source: { optOutLine(locale: Locale): string }): Record<Locale, string> {
  return { en: source.optOutLine('en'), 'zh-CN': source.optOutLine('zh-CN'), 'zh-HK': source.optOutLine('zh-HK') };
}

/** A text with the opt-out line of its language after it, unless it carries it already (as `Outbox.withOptOut` writes it). */
export function withOptOutLine(text: string, locale: Locale, lines: Record<Locale, string>): string {
  return text.includes(lines[locale]) ? text : `${text}${OPT_OUT_SEPARATOR}${lines[locale]}`;
}

/**
 * SQL for a customer `c`'s text and its language: the campaign text of their language with the
 * fields filled, then the opt-out line of that language (unless the text carries it already), as
 * `Outbox.withOptOut` writes it.
 */
export function campaignTextSql(
  messages: Partial<Record<Locale, string>>,
  fields: FieldExpressions,
  lines: Record<Locale, string>,
): { body: RawBuilder<string>; locale: RawBuilder<Locale> } {
  const locales = Object.keys(messages) as Locale[];
  const fallback = languageFor(messages, 'en');
  const withLine = (l: Locale) => {
    const text = messageSql(messages[l]!, l, fields);
    const line = `${OPT_OUT_SEPARATOR}${lines[l]}`;
    return sql<string>`(SELECT CASE WHEN strpos(t, ${lines[l]}) > 0 THEN t ELSE t || ${line} END FROM (SELECT ${text} AS t OFFSET 0) x)`;
  };
  const pick = <T>(f: (l: Locale) => RawBuilder<T>) =>
    sql<T>`(CASE c.locale ${sql.join(
      locales.map((l) => sql`WHEN ${l} THEN ${f(l)}`),
      sql` `,
    )} ELSE ${f(fallback)} END)`;
  return { body: pick(withLine), locale: pick((l) => sql<Locale>`${l}::text`) };
}

/** A regular expression matching a text every character of which is in the GSM 03.38 tables (basic and extension). */
const GSM_TEXT_RE = `^[${[...(GSM_CHARACTERS.basic + GSM_CHARACTERS.extension)].map((ch) => (/[\\\][^-]/.test(ch) ? `\\${ch}` : ch)).join('')}]*$`;

/**
 * SQL for the encoding and segments of a text, as `measure` counts them (GSM-7 160/153 septets,
 * UCS-2 70/67 units). One regular-expression match decides the encoding (a `translate` over the
 * whole alphabet cost 16 µs a text, most of a million-text campaign); the units are counted once
 * per text behind an `OFFSET 0` fence, so the planner does not copy the expression into each use.
 */
export function measureSql(body: RawBuilder<string>): { encoding: RawBuilder<string>; segments: RawBuilder<number> } {
  const units = sql`(CASE WHEN g THEN len + length(b) - length(translate(b, ${GSM_CHARACTERS.extension}, ''))
                          ELSE len + length(b) - length(regexp_replace(b, '[\\U00010000-\\U0010FFFF]', '', 'g')) END)`;
  return {
    encoding: sql<string>`(CASE WHEN ${body} ~ ${GSM_TEXT_RE} THEN 'GSM-7' ELSE 'UCS-2' END)`,
    segments: sql<number>`(SELECT (CASE WHEN u <= single THEN 1 ELSE ceil(u / part) END)::smallint
        FROM (SELECT ${units} AS u, CASE WHEN g THEN 160 ELSE 70 END AS single, CASE WHEN g THEN 153.0 ELSE 67.0 END AS part
                FROM (SELECT ${body} ~ ${GSM_TEXT_RE} AS g, length(${body}) AS len, ${body} AS b OFFSET 0) x OFFSET 0) y)`,
  };
}

/** The values of a campaign text's fields for one customer. */
export type FieldValues = Record<MessageField, string | number>;

/** One language of a campaign rendered for a sample customer, as it will leave. */
export interface LanguagePreview {
  language: Locale;
  text: string;
  encoding: string;
  characters: number;
  segments: number;
  optOutLine: string;
}

/** Renders a campaign text with `IntlMessageFormat` and the opt-out line of its language, and measures it. */
export function previewText(lines: Record<Locale, string>, language: Locale, message: string, values: FieldValues): LanguagePreview {
  const rendered = String(new IntlMessageFormat(message, language, undefined, { ignoreTag: true }).format(values));
  const text = withOptOutLine(rendered, language, lines);
  const { encoding, segments } = measure(text);
  return { language, text, encoding, characters: [...text].length, segments, optOutLine: lines[language] };
}
