import type { InfoKeyword } from '../../domain/info-keywords';
import type { FormBody } from './campaign-form';

/** The languages a staff keyword answers in. */
export const KEYWORD_LOCALES = ['en', 'zh-CN', 'zh-HK'] as const;
/** A reply's variants: the default, and optionally one per tier. */
export const REPLY_VARIANTS = ['default', 'standard', 'gold', 'platinum'] as const;

const one = (v: string | string[] | undefined): string => (Array.isArray(v) ? (v[0] ?? '') : (v ?? '')).trim();
// A `datetime-local` value read as UTC (the console shows times in UTC); anything else is left for the schema to name.
const utc = (v: string) => (v === '' ? null : /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(v) ? `${v}:00Z` : v);

/** The keyword form as the API's body (unchecked: `infoKeywordSchema` checks it). Empty tier replies are left out. */
export function keywordFromForm(f: FormBody): Record<string, unknown> {
  const replies = Object.fromEntries(
    KEYWORD_LOCALES.map((l) => [
      l,
      Object.fromEntries(REPLY_VARIANTS.map((v) => [v, one(f[`reply.${l}.${v}`])]).filter(([v, text]) => text || v === 'default')),
    ]),
  );
  return {
    keyword: one(f.keyword),
    aliases: one(f.aliases)
      .split(/[,，\s]+/)
      .filter(Boolean),
    replies,
    validFrom: utc(one(f.validFrom)),
    validTo: utc(one(f.validTo)),
  };
}

/** A stored keyword as the form's values (to edit it). */
export function formFromKeyword(k: InfoKeyword): FormBody {
  const out: FormBody = { keyword: k.keyword, aliases: k.aliases.join(', ') };
  for (const l of KEYWORD_LOCALES) for (const v of REPLY_VARIANTS) out[`reply.${l}.${v}`] = k.replies[l]?.[v] ?? '';
  if (k.valid_from) out.validFrom = k.valid_from.toISOString().slice(0, 16);
  if (k.valid_to) out.validTo = k.valid_to.toISOString().slice(0, 16);
  return out;
}
