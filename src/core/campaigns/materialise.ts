import { type Kysely, type RawBuilder, type SqlBool, sql } from 'kysely';
import type { Campaign, Database, Locale } from '../../db/schema';
import { type Audience, audienceSchema, audienceWhere, chosenCard, EXCLUSION_REASONS, exclusionReason } from '../../domain/campaigns/audience';
import { anchorDate, type Schedule, scheduleSchema } from '../../domain/campaigns/schedule';
import { priorityOf } from '../outbox/outbox';
import { campaignTextSql, measureSql } from './render';

/** Customers (by id range) one materialisation statement covers. */
export const MATERIALISE_BATCH = 50_000;

/** A run being materialised: its campaign, its row, and what each batch needs. */
export interface RunState {
  campaign: Campaign;
  run: { id: number; slot: Date; cursor: number; targeted: number; started_at: Date };
}

/** What a materialisation batch needs beyond the run: the opt-out lines, the weekly cap, the clock. */
export interface MaterialiseOptions {
  lines: Record<Locale, string>;
  weeklyCap: number;
  now: Date;
  batch?: number;
}

/** For a relative schedule, the customers whose anchor date falls on this run's date. */
function anchorCondition(s: Schedule, slot: Date): RawBuilder<SqlBool> {
  if (s.kind !== 'relative') return sql<SqlBool>`true`;
  const day = anchorDate(s, slot);
  const local = sql`(a.activated_at AT TIME ZONE ${s.timeZone})::date`;
  const on =
    s.anchor === 'activation' ? sql`${local} = ${day}::date` : sql`to_char(${local}, 'MM-DD') = to_char(${day}::date, 'MM-DD') AND ${local} < ${day}::date`;
  return sql<SqlBool>`EXISTS (SELECT 1 FROM cards a WHERE a.customer_id = c.id AND a.status <> 'closed' AND ${on})`;
}

/**
 * Materialises and queues one batch of a run inside PostgreSQL, in one statement: the customers of
 * the next id range that match the audience (and the relative anchor), each with the reason they
 * are excluded or none; the included ones become campaign_recipients (the primary key refuses a
 * second row, so a resumed run adds no one twice) and, in the same statement, marketing rows of
 * outbound_messages (the text rendered by SQL, the opt-out line, encoding and segments, spaced by
 * the campaign's rate, expiring after its validity; the dedupe key refuses a second text). The
 * cursor, the count and the exclusions move in the same transaction. Returns false when the run
 * has covered every customer.
 */
export async function materialiseBatch(db: Kysely<Database>, state: RunState, opts: MaterialiseOptions): Promise<boolean> {
  const { campaign } = state;
  const batch = opts.batch ?? MATERIALISE_BATCH;
  const audience: Audience = audienceSchema.parse(campaign.audience);
  const schedule = scheduleSchema.parse(campaign.schedule);
  const tz = campaign.time_zone;
  return db.transaction().execute(async (trx) => {
    const run = await trx.selectFrom('campaign_runs').selectAll().where('id', '=', state.run.id).forUpdate().executeTakeFirstOrThrow();
    if (run.finished_at) return false;
    const { max } = await trx
      .selectFrom('customers')
      .select(sql<number>`coalesce(max(id), 0)`.as('max'))
      .executeTakeFirstOrThrow();
    if (run.cursor >= max) {
      await trx.updateTable('campaign_runs').set({ finished_at: opts.now }).where('id', '=', run.id).execute();
      return false;
    }
    const to = run.cursor + batch;
    const base = trx
      .selectFrom('customers as c')
      .where('c.id', '>', run.cursor)
      .where('c.id', '<=', to)
      .where(audienceWhere(audience, tz))
      .where(anchorCondition(schedule, run.slot))
      .select(['c.id', exclusionReason(opts.now, opts.weeklyCap).as('reason'), (eb) => chosenCard(audience, tz)(eb).as('card_id')]);
    const keyword = campaign.promoted_keyword;
    const { body, locale } = campaignTextSql(
      campaign.messages,
      {
        name: sql`c.name`,
        tier: sql`c.tier`,
        last4: sql`k.last4`,
        points: sql`c.points`,
        keyword: sql`${keyword ?? ''}::text`,
        code: sql`${keyword?.split(' ').pop() ?? ''}::text`,
      },
      opts.lines,
    );
    const m = measureSql(sql<string>`t.body`);
    const priority = sql`(CASE t.tier WHEN 'platinum' THEN ${priorityOf('marketing', 'platinum')}::int WHEN 'gold' THEN ${priorityOf('marketing', 'gold')}::int
                         ELSE ${priorityOf('marketing', 'standard')}::int END)::smallint`;
    const expires = new Date(run.started_at.getTime() + campaign.validity_minutes * 60_000);
    const { rows } = await sql<{ reason: string | null; n: number; added: number }>`
      WITH base AS (${base}),
      ins AS (
        INSERT INTO campaign_recipients (campaign_id, customer_id, run_id, card_id, seq)
        SELECT ${campaign.id}, id, ${run.id}, card_id, ${run.targeted} + row_number() OVER (ORDER BY id) FROM base WHERE reason IS NULL
        ON CONFLICT DO NOTHING
        RETURNING customer_id, card_id, seq),
      t AS (
        SELECT ins.seq, c.id, c.mobile, c.tier, ${body} AS body, ${locale} AS locale
          FROM ins JOIN customers c ON c.id = ins.customer_id LEFT JOIN cards k ON k.id = ins.card_id),
      q AS (
        INSERT INTO outbound_messages (to_number, body, locale, template, class, priority, customer_id, dedupe_key, not_before, expires_at,
                                       created_at, encoding, segments, campaign_id)
        SELECT t.mobile, t.body, t.locale, 'campaign', 'marketing', ${priority}, t.id, 'campaign:' || ${run.id}::text || ':' || t.id::text,
               ${run.started_at}::timestamptz + ((t.seq - 1) / ${campaign.rate_per_second}) * interval '1 second', ${expires}::timestamptz,
               ${opts.now}::timestamptz, ${m.encoding}, ${m.segments}, ${campaign.id}
          FROM t
        ON CONFLICT (dedupe_key) WHERE dedupe_key IS NOT NULL DO NOTHING
        RETURNING 1)
      SELECT reason, count(*)::int AS n, (SELECT count(*)::int FROM ins) AS added, (SELECT count(*) FROM q) AS queued FROM base GROUP BY reason`.execute(trx);
    const excluded: Record<string, number> = { ...Object.fromEntries(EXCLUSION_REASONS.map((r) => [r, 0])), ...run.excluded };
    let targeted = 0;
    for (const r of rows) {
      if (r.reason === null) targeted = r.added;
      else excluded[r.reason] = (excluded[r.reason] ?? 0) + r.n;
    }
    await trx
      .updateTable('campaign_runs')
      .set({ cursor: to, targeted: sql`targeted + ${targeted}`, excluded: JSON.stringify(excluded) })
      .where('id', '=', run.id)
      .execute();
    return true;
  });
}
