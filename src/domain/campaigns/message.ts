import { type MessageFormatElement, parse, TYPE } from '@formatjs/icu-messageformat-parser';
import { type RawBuilder, sql } from 'kysely';

/** The fields a campaign text may use, e.g. `{name}`, `{points, number}`, `{tier, select, platinum {…} other {…}}`. */
export const MESSAGE_FIELDS = ['name', 'tier', 'last4', 'points', 'keyword', 'code'] as const;

/** One of the fields a campaign text may use. */
export type MessageField = (typeof MESSAGE_FIELDS)[number];

const NUMERIC: ReadonlySet<string> = new Set(['points']);

/** The problem with a campaign text, or null when it can be sent (it parses, uses known fields and supported forms only). */
export function messageProblem(text: string): string | null {
  let ast: MessageFormatElement[];
  try {
    ast = parse(text, { ignoreTag: true, requiresOtherClause: true });
  } catch (err) {
    return `not valid ICU MessageFormat: ${(err as Error).message}`;
  }
  return elementsProblem(ast);
}

function elementsProblem(elements: MessageFormatElement[]): string | null {
  for (const el of elements) {
    if (el.type === TYPE.literal || el.type === TYPE.pound) continue;
    if (el.type === TYPE.date || el.type === TYPE.time || el.type === TYPE.tag)
      return `{${'value' in el ? el.value : ''}} as a date, time or tag is not supported in campaign texts`;
    if (!(MESSAGE_FIELDS as readonly string[]).includes(el.value)) return `unknown field {${el.value}}: use ${MESSAGE_FIELDS.map((f) => `{${f}}`).join(', ')}`;
    if (el.type === TYPE.number && (!NUMERIC.has(el.value) || el.style)) return `{${el.value}, number} is supported for {points} without a style only`;
    if (el.type === TYPE.plural && (!NUMERIC.has(el.value) || el.pluralType === 'ordinal' || el.offset))
      return `{${el.value}, plural} is supported for {points} (cardinal, no offset) only`;
    if (el.type === TYPE.select || el.type === TYPE.plural)
      for (const option of Object.values(el.options)) {
        const p = elementsProblem(option.value);
        if (p) return p;
      }
  }
  return null;
}

/** SQL expressions giving each field's value as text, and points as an integer. */
export type FieldExpressions = Record<MessageField, RawBuilder<unknown>>;

const grouped = (n: RawBuilder<unknown>) => sql`to_char(${n}, 'FM999,999,999,990')`;

/**
 * A campaign text compiled to one SQL expression (kysely `sql` fragments, every literal a
 * parameter): the same text `IntlMessageFormat` renders for the same values, computed inside
 * PostgreSQL so a million texts never pass through Node. Only what `messageProblem` accepts
 * compiles: arguments, `{points, number}`, `select`, cardinal `plural` with `#`.
 */
export function messageSql(text: string, locale: string, fields: FieldExpressions): RawBuilder<string> {
  const ast = parse(text, { ignoreTag: true, requiresOtherClause: true });
  return compile(ast, locale, fields, null);
}

function compile(elements: MessageFormatElement[], locale: string, f: FieldExpressions, pluralValue: RawBuilder<unknown> | null): RawBuilder<string> {
  const parts: RawBuilder<unknown>[] = elements.map((el) => {
    switch (el.type) {
      case TYPE.literal:
        return sql`${el.value}::text`;
      case TYPE.pound:
        return pluralValue ? grouped(pluralValue) : sql`'#'::text`;
      case TYPE.argument:
        return sql`coalesce((${f[el.value as MessageField]})::text, '')`;
      case TYPE.number:
        return grouped(f[el.value as MessageField]);
      case TYPE.select: {
        const value = f[el.value as MessageField];
        const whens = Object.entries(el.options)
          .filter(([k]) => k !== 'other')
          .map(([k, o]) => sql`WHEN (${value})::text = ${k} THEN ${compile(o.value, locale, f, pluralValue)}`);
        return sql`(CASE ${sql.join(whens, sql` `)} ELSE ${compile(el.options.other.value, locale, f, pluralValue)} END)`;
      }
      case TYPE.plural: {
        const n = f[el.value as MessageField];
        const exact = Object.entries(el.options).filter(([k]) => k.startsWith('='));
        // English has `one` (exactly 1); Chinese has only `other`.
        const one = locale === 'en' && el.options.one ? [sql`WHEN (${n}) = 1 THEN ${compile(el.options.one.value, locale, f, n)}`] : [];
        const whens = [...exact.map(([k, o]) => sql`WHEN (${n}) = ${Number(k.slice(1))} THEN ${compile(o.value, locale, f, n)}`), ...one];
        return sql`(CASE ${sql.join(whens, sql` `)} ELSE ${compile(el.options.other.value, locale, f, n)} END)`;
      }
      default:
        throw new Error(`unsupported element in campaign text: ${JSON.stringify(el)}`);
    }
  });
  return parts.length === 0 ? sql<string>`''::text` : sql<string>`(${sql.join(parts, sql` || `)})`;
}
