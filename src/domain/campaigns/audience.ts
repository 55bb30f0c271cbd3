import { type ExpressionBuilder, type Expression, type Kysely, type RawBuilder, type SqlBool, type Transaction, sql } from 'kysely';
import { z } from 'zod';
import type { Database } from '../../db/schema';

const day = z.iso.date({ message: 'a date as YYYY-MM-DD' });
const range = z
  .strictObject({ from: day.optional(), to: day.optional() })
  .refine((r) => r.from !== undefined || r.to !== undefined, 'from, to or both')
  .refine((r) => !r.from || !r.to || r.from <= r.to, 'from must not be after to');
const names = z.array(z.string().trim().min(1).max(64)).min(1).max(100);

/** An audience: every given criterion must hold (lists match any of their values). Card criteria hold on one card. */
export const audienceSchema = z
  .strictObject({
    tiers: z
      .array(z.enum(['standard', 'gold', 'platinum']))
      .min(1)
      .optional(),
    languages: z
      .array(z.enum(['en', 'zh-CN', 'zh-HK']))
      .min(1)
      .optional(),
    cardProducts: names.optional(),
    cardStatuses: z
      .array(z.enum(['inactive', 'active', 'frozen', 'closed']))
      .min(1)
      .optional(),
    cities: names.optional(),
    regions: names.optional(),
    birthdayMonths: z.array(z.number().int().min(1).max(12)).min(1).optional(),
    customerSince: range.optional(),
    activated: range.optional(),
    pointsAbove: z.number().int().min(0).optional(),
    pointsBelow: z.number().int().min(1).optional(),
    respondedTo: z.strictObject({ campaign: z.number().int().positive(), responded: z.boolean() }).optional(),
  })
  .refine((a) => a.pointsAbove === undefined || a.pointsBelow === undefined || a.pointsAbove < a.pointsBelow, {
    message: 'pointsAbove must be below pointsBelow',
    path: ['pointsAbove'],
  });

/** A validated audience filter. */
export type Audience = z.output<typeof audienceSchema>;

/** Why a customer who matches the filter is still not sent to; checked in this order. */
export const EXCLUSION_REASONS = ['opted_out', 'no_consent', 'no_reachable_number', 'weekly_cap'] as const;

/** One of the exclusion reasons. */
export type ExclusionReason = (typeof EXCLUSION_REASONS)[number];

type C = ExpressionBuilder<Database & { c: Database['customers'] }, 'c'>;

/** The card criteria of an audience on a card `k` of customer `c` (true when there are none). */
function cardConditions(a: Audience, timeZone: string) {
  return (eb: ExpressionBuilder<Database & { k: Database['cards'] }, 'k'>) => {
    const all: Expression<SqlBool>[] = [];
    if (a.cardProducts) all.push(eb('k.product', 'in', a.cardProducts));
    if (a.cardStatuses) all.push(eb('k.status', 'in', a.cardStatuses));
    const local = sql<string>`(k.activated_at AT TIME ZONE ${timeZone})::date`;
    if (a.activated?.from) all.push(sql<SqlBool>`${local} >= ${a.activated.from}::date`);
    if (a.activated?.to) all.push(sql<SqlBool>`${local} <= ${a.activated.to}::date`);
    return eb.and(all);
  };
}

/** True when the audience says something about the customer's cards. */
export function hasCardCriteria(a: Audience): boolean {
  return Boolean(a.cardProducts || a.cardStatuses || a.activated);
}

/**
 * The audience as a Kysely condition on `customers as c` (parameters throughout, never string
 * concatenation). Closed customers (gone from the card system) are never in it. `timeZone` reads
 * activation dates as the campaign's local dates.
 */
export function audienceWhere(a: Audience, timeZone: string) {
  return (eb: C) => {
    const all: Expression<SqlBool>[] = [eb('c.closed_at', 'is', null)];
    if (a.tiers) all.push(eb('c.tier', 'in', a.tiers));
    if (a.languages) all.push(eb('c.locale', 'in', a.languages));
    if (a.cities)
      all.push(
        eb(
          sql`lower(c.city)`,
          'in',
          a.cities.map((x) => x.toLowerCase()),
        ),
      );
    if (a.regions)
      all.push(
        eb(
          sql`lower(c.region)`,
          'in',
          a.regions.map((x) => x.toLowerCase()),
        ),
      );
    if (a.birthdayMonths) all.push(eb(sql`extract(month from c.birthday)::int`, 'in', a.birthdayMonths));
    const since = sql<string>`coalesce(c.customer_since, (c.created_at AT TIME ZONE ${timeZone})::date)`;
    if (a.customerSince?.from) all.push(sql<SqlBool>`${since} >= ${a.customerSince.from}::date`);
    if (a.customerSince?.to) all.push(sql<SqlBool>`${since} <= ${a.customerSince.to}::date`);
    if (a.pointsAbove !== undefined) all.push(eb('c.points', '>', a.pointsAbove));
    if (a.pointsBelow !== undefined) all.push(eb('c.points', '<', a.pointsBelow));
    if (hasCardCriteria(a))
      all.push(
        eb.exists(
          eb
            .selectFrom('cards as k')
            .select(sql`1`.as('one'))
            .whereRef('k.customer_id', '=', 'c.id')
            .where(cardConditions(a, timeZone)),
        ),
      );
    if (a.respondedTo) {
      const responded = sql<SqlBool>`EXISTS (
        SELECT 1 FROM outbound_messages o JOIN campaigns p ON p.id = o.campaign_id
          JOIN inbound_messages i ON i.from_number = c.mobile AND i.received_at >= o.sent_at AND i.received_at < o.sent_at + interval '7 days'
         WHERE o.campaign_id = ${a.respondedTo.campaign} AND o.customer_id = c.id AND o.sent_at IS NOT NULL
           AND (p.promoted_keyword IS NULL OR upper(i.text) LIKE upper(p.promoted_keyword) || '%'))`;
      all.push(a.respondedTo.responded ? responded : sql<SqlBool>`NOT ${responded}`);
    }
    return eb.and(all);
  };
}

/**
 * The card a campaign text names ({last4}): of the customer's cards meeting the card criteria, an
 * active one first, then the oldest; null when the customer has none.
 */
export function chosenCard(a: Audience, timeZone: string) {
  return (eb: C) =>
    eb
      .selectFrom('cards as k')
      .select('k.id')
      .whereRef('k.customer_id', '=', 'c.id')
      .where(cardConditions(a, timeZone))
      .orderBy(sql`k.status = 'active'`, 'desc')
      .orderBy('k.id')
      .limit(1);
}

/**
 * The card `chosenCard` picks, for every customer with an id in [first, last] at once (one sort
 * instead of a query per customer): rows of (customer_id, id).
 */
export function chosenCards(db: Kysely<Database> | Transaction<Database>, a: Audience, timeZone: string, first: number, last: number) {
  return db
    .selectFrom('cards as k')
    .distinctOn('k.customer_id')
    .select(['k.customer_id', 'k.id'])
    .where('k.customer_id', '>=', first)
    .where('k.customer_id', '<=', last)
    .where(cardConditions(a, timeZone))
    .orderBy('k.customer_id')
    .orderBy(sql`k.status = 'active'`, 'desc')
    .orderBy('k.id');
}

/** Marketing texts sent in the 7 days before `now` to each customer with an id in [first, last] that had any: rows of (customer_id, n). */
export function weeklyMarketing(db: Kysely<Database> | Transaction<Database>, now: Date, first: number, last: number) {
  const weekAgo = new Date(now.getTime() - 7 * 86_400_000);
  return db
    .selectFrom('outbound_messages as o')
    .select(['o.customer_id', sql<number>`count(*)`.as('n')])
    .where('o.customer_id', '>=', first)
    .where('o.customer_id', '<=', last)
    .where('o.class', '=', 'marketing')
    .where('o.created_at', '>', weekAgo)
    .where('o.sent_at', '>', weekAgo)
    .groupBy('o.customer_id');
}

/**
 * Why a matching customer is excluded (null: included), in the order of EXCLUSION_REASONS: opted
 * out (STOP/TD, in suppressions), no marketing consent, no reachable number (not E.164, or blocked
 * on a route: an invalid destination), or the weekly marketing cap reached in the last 7 days
 * (counted per customer, or read from `weeklyCount` when the caller joined `weeklyMarketing`).
 */
export function exclusionReason(now: Date, weeklyCap: number, weeklyCount?: RawBuilder<number>) {
  const weekAgo = new Date(now.getTime() - 7 * 86_400_000);
  const sent =
    weeklyCount ??
    sql<number>`(SELECT count(*) FROM outbound_messages o WHERE o.customer_id = c.id AND o.class = 'marketing'
                   AND o.created_at > ${weekAgo} AND o.sent_at > ${weekAgo})`;
  return sql<ExclusionReason | null>`CASE
    WHEN EXISTS (SELECT 1 FROM suppressions s WHERE s.mobile = c.mobile) THEN 'opted_out'
    WHEN NOT c.marketing_consent THEN 'no_consent'
    WHEN c.mobile !~ '^\\+[1-9][0-9]{6,14}$' OR EXISTS (SELECT 1 FROM route_blocks b WHERE b.to_number = c.mobile) THEN 'no_reachable_number'
    WHEN ${sent} >= ${weeklyCap} THEN 'weekly_cap'
  END`;
}

/** How many an audience reaches now, how many it excludes and why, and a sample of 10 included. */
export interface AudienceCount {
  count: number;
  excluded: Record<ExclusionReason, number>;
  sample: { customer: string; name: string; tier: string; language: string; city: string | null }[];
}

/** Counts an audience over every customer, with exclusions by reason and a sample of 10 (spread by a hash of the id). */
export async function countAudience(
  db: Kysely<Database> | Transaction<Database>,
  a: Audience,
  timeZone: string,
  now: Date,
  weeklyCap: number,
): Promise<AudienceCount> {
  const base = db
    .selectFrom('customers as c')
    .where(audienceWhere(a, timeZone))
    .select(['c.id', 'c.external_id', 'c.name', 'c.tier', 'c.locale', 'c.city', exclusionReason(now, weeklyCap).as('reason')]);
  const [{ rows: counts }, { rows: sample }] = await Promise.all([
    sql<{ reason: ExclusionReason | null; n: number }>`SELECT reason, count(*)::int AS n FROM (${base}) b GROUP BY reason`.execute(db),
    sql<{ external_id: string; name: string; tier: string; locale: string; city: string | null }>`
      SELECT external_id, name, tier, locale, city FROM (${base}) b WHERE reason IS NULL ORDER BY md5(id::text) LIMIT 10`.execute(db),
  ]);
  const excluded = Object.fromEntries(EXCLUSION_REASONS.map((r) => [r, 0])) as Record<ExclusionReason, number>;
  let count = 0;
  for (const r of counts) {
    if (r.reason === null) count = r.n;
    else excluded[r.reason] = r.n;
  }
  return {
    count,
    excluded,
    sample: sample.map((s) => ({ customer: s.external_id, name: s.name, tier: s.tier, language: s.locale, city: s.city })),
  };
}
