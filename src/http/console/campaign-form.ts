import type { Campaign } from '../../db/schema';
import type { Audience } from '../../domain/campaigns/audience';
import type { Schedule } from '../../domain/campaigns/schedule';

/** A posted form as Express reads it (`a=1&a=2` gives a list). */
export type FormBody = Record<string, string | string[] | undefined>;

/** The campaign languages, in the order the form shows them. */
export const CAMPAIGN_LOCALES = ['en', 'zh-CN', 'zh-HK'] as const;

const one = (v: string | string[] | undefined): string => (Array.isArray(v) ? (v[0] ?? '') : (v ?? '')).trim();
const many = (v: string | string[] | undefined): string[] => (Array.isArray(v) ? v : v ? [v] : []).map((x) => x.trim()).filter(Boolean);
const commaList = (v: string | string[] | undefined): string[] =>
  one(v)
    .split(/[,，]/)
    .map((x) => x.trim())
    .filter(Boolean);
// A number when the field is one; a non-number stays text so the schema names the field ("expected number").
const num = (v: string | string[] | undefined): number | string | undefined => {
  const s = one(v);
  if (!s) return undefined;
  return /^-?\d+$/.test(s) ? Number(s) : s;
};
const some = <T>(list: T[]): T[] | undefined => (list.length ? list : undefined);
const drop = (o: Record<string, unknown>) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));

/** The audience builder's fields as the API's `audience` object (unchecked: `audienceSchema` checks it). */
export function audienceFromForm(f: FormBody): Record<string, unknown> {
  const from = one(f.sinceFrom);
  const to = one(f.sinceTo);
  return drop({
    tiers: some(many(f.tiers)),
    languages: some(many(f.languages)),
    cardProducts: some(commaList(f.cardProducts)),
    cardStatuses: some(many(f.cardStatuses)),
    cities: some(commaList(f.cities)),
    regions: some(commaList(f.regions)),
    birthdayMonths: some(commaList(f.birthdayMonths).map((m) => (/^\d+$/.test(m) ? Number(m) : m))),
    customerSince: from || to ? drop({ from: from || undefined, to: to || undefined }) : undefined,
    pointsAbove: num(f.pointsAbove),
    pointsBelow: num(f.pointsBelow),
  });
}

/** The schedule fields as the API's `schedule` object: the kind chosen names which fields count. */
export function scheduleFromForm(f: FormBody): Record<string, unknown> {
  const kind = one(f.scheduleKind);
  const timeZone = one(f.timeZone);
  if (kind === 'cron') return { kind, cron: one(f.cron), timeZone };
  if (kind === 'relative') return { kind, anchor: one(f.anchor), days: num(f.days), at: one(f.time), timeZone };
  return { kind, at: one(f.at), timeZone };
}

/** The whole form as the API's campaign body (unchecked: `campaignInput` / `campaignPatch` check it). */
export function campaignFromForm(f: FormBody): Record<string, unknown> {
  const messages = Object.fromEntries(CAMPAIGN_LOCALES.map((l) => [l, one(f[`msg.${l}`])]).filter(([, text]) => text));
  const keyword = one(f.keyword);
  return drop({
    name: one(f.name),
    purpose: one(f.purpose),
    messages,
    audience: audienceFromForm(f),
    schedule: scheduleFromForm(f),
    ratePerSecond: num(f.rate),
    validityMinutes: num(f.validity),
    promotedKeyword: keyword || null,
  });
}

/** A stored campaign as the form's values (to edit it). */
export function formFromCampaign(c: Campaign): FormBody {
  const a = c.audience as Audience;
  const s = c.schedule as Partial<Record<string, string | number>> & Partial<Schedule>;
  const join = (v: unknown) => (Array.isArray(v) ? v.join(', ') : undefined);
  const text = (v: unknown) => (v === undefined || v === null ? undefined : String(v));
  return drop({
    name: c.name,
    purpose: c.purpose,
    ...Object.fromEntries(CAMPAIGN_LOCALES.map((l) => [`msg.${l}`, c.messages[l]])),
    tiers: a.tiers,
    languages: a.languages,
    cardStatuses: a.cardStatuses,
    cardProducts: join(a.cardProducts),
    cities: join(a.cities),
    regions: join(a.regions),
    birthdayMonths: join(a.birthdayMonths),
    sinceFrom: a.customerSince?.from,
    sinceTo: a.customerSince?.to,
    pointsAbove: text(a.pointsAbove),
    pointsBelow: text(a.pointsBelow),
    scheduleKind: s.kind,
    timeZone: s.timeZone,
    at: s.kind === 'once' ? s.at : undefined,
    cron: s.cron,
    anchor: s.anchor,
    days: text(s.days),
    time: s.kind === 'relative' ? s.at : undefined,
    rate: String(c.rate_per_second),
    validity: String(c.validity_minutes),
    keyword: c.promoted_keyword ?? undefined,
  }) as FormBody;
}
