import { type Kysely, type RawBuilder, type SqlBool, type Transaction, sql } from 'kysely';
import type { Campaign, Database, Locale } from '../../db/schema';
import {
  type Audience,
  audienceSchema,
  audienceWhere,
  chosenCards,
  EXCLUSION_REASONS,
  exclusionReason,
  weeklyMarketing,
} from '../../domain/campaigns/audience';
import { anchorDate, type Schedule, scheduleSchema } from '../../domain/campaigns/schedule';
import { priorityOf } from '../outbox/outbox';
import { campaignTextSql, measureSql } from './render';

/** Customer ids one slice covers: one statement materialises a slice. */
export const MATERIALISE_BATCH = 50_000;

/** What materialising a slice needs beyond the run: the opt-out lines, the weekly cap, the clock. */
export interface MaterialiseOptions {
  lines: Record<Locale, string>;
  weeklyCap: number;
  now: Date;
}

/** The name of the sequence that numbers a run's texts in the order they are queued (spacing them by the campaign's rate). */
const pacingName = (runId: number) => `campaign_run_${runId}_seq`;
const pacing = (runId: number) => sql.id(pacingName(runId));

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
 * Cuts the customer ids a run has not sliced yet (from its cursor to the highest id now) into
 * slices of `batch`, and creates the run's pacing sequence, with the run locked. Returns how many
 * slices it added.
 */
export async function sliceRun(db: Kysely<Database>, runId: number, batch = MATERIALISE_BATCH): Promise<number> {
  return db.transaction().execute(async (trx) => {
    const run = await trx.selectFrom('campaign_runs').select(['cursor', 'finished_at']).where('id', '=', runId).forUpdate().executeTakeFirstOrThrow();
    if (run.finished_at) return 0;
    await sql`CREATE SEQUENCE IF NOT EXISTS ${pacing(runId)}`.execute(trx);
    const { max } = await trx
      .selectFrom('customers')
      .select(sql<number>`coalesce(max(id), 0)`.as('max'))
      .executeTakeFirstOrThrow();
    if (max <= run.cursor) return 0;
    const { numAffectedRows } = await sql`
      INSERT INTO campaign_run_slices (run_id, first_id, last_id)
      SELECT ${runId}::int, g, least(g + ${batch}::int - 1, ${max}::int) FROM generate_series(${run.cursor + 1}::int, ${max}::int, ${batch}::int) g
      ON CONFLICT DO NOTHING`.execute(trx);
    await trx.updateTable('campaign_runs').set({ cursor: max }).where('id', '=', runId).execute();
    return Number(numAffectedRows ?? 0);
  });
}

/**
 * Ends a run whose every slice is done and whose range reaches the highest customer id (a customer
 * added since gets a slice first), dropping its pacing sequence. Returns whether it ended.
 */
export async function finishRun(db: Kysely<Database>, runId: number, now: Date): Promise<boolean> {
  if ((await sliceRun(db, runId)) > 0) return false;
  return db.transaction().execute(async (trx) => {
    const open = await trx.selectFrom('campaign_run_slices').select('first_id').where('run_id', '=', runId).where('done_at', 'is', null).executeTakeFirst();
    if (open) return false;
    const ended = await trx.updateTable('campaign_runs').set({ finished_at: now }).where('id', '=', runId).where('finished_at', 'is', null).executeTakeFirst();
    await sql`DROP SEQUENCE IF EXISTS ${pacing(runId)}`.execute(trx);
    return Number(ended.numUpdatedRows) > 0;
  });
}

/** The outcome of one attempt to materialise a slice. */
export type SliceOutcome = { kind: 'done'; targeted: number } | { kind: 'none' } | { kind: 'stopped' };

/**
 * Claims the next open slice of a run (`SKIP LOCKED`: another worker or process takes another) and
 * materialises and queues it inside PostgreSQL, in one statement: the slice's customers that match
 * the audience (and the relative anchor), each with the reason they are excluded or none; the
 * included ones become campaign_recipients (the primary key refuses a second row, so a slice done
 * again adds no one twice) numbered by the run's pacing sequence and, in the same statement,
 * marketing rows of outbound_messages for exactly the recipients just added (the text rendered by
 * SQL once per customer, the opt-out line, encoding and segments, spaced by the campaign's rate,
 * expiring after its validity). The slice is marked done and the run's counts move in the same
 * transaction. The campaign is read FOR SHARE, so a pause or cancel waits for the slice and then
 * sees its texts; a campaign no longer running stops the worker.
 */
export async function materialiseSlice(db: Kysely<Database>, runId: number, opts: MaterialiseOptions): Promise<SliceOutcome> {
  return db.transaction().execute(async (trx): Promise<SliceOutcome> => {
    const slice = await trx
      .selectFrom('campaign_run_slices')
      .select(['first_id', 'last_id'])
      .where('run_id', '=', runId)
      .where('done_at', 'is', null)
      .orderBy('first_id')
      .limit(1)
      .forUpdate()
      .skipLocked()
      .executeTakeFirst();
    if (!slice) return { kind: 'none' };
    const run = await trx.selectFrom('campaign_runs').selectAll().where('id', '=', runId).executeTakeFirstOrThrow();
    const campaign = await trx.selectFrom('campaigns').selectAll().where('id', '=', run.campaign_id).forShare().executeTakeFirstOrThrow();
    if (run.finished_at || campaign.status !== 'running') return { kind: 'stopped' };
    const { counts, targeted } = await queueSlice(trx, campaign, run, slice, opts);
    await trx.updateTable('campaign_run_slices').set({ done_at: opts.now }).where('run_id', '=', runId).where('first_id', '=', slice.first_id).execute();
    const excluded = Object.fromEntries(EXCLUSION_REASONS.map((r) => [r, counts[r] ?? 0]));
    await sql`
      UPDATE campaign_runs SET targeted = targeted + ${targeted},
             excluded = (SELECT jsonb_object_agg(k, coalesce((excluded ->> k)::int, 0) + coalesce((${JSON.stringify(excluded)}::jsonb ->> k)::int, 0))
                           FROM jsonb_object_keys(excluded || ${JSON.stringify(excluded)}::jsonb) k)
       WHERE id = ${runId}`.execute(trx);
    return { kind: 'done', targeted };
  });
}

/** The one statement that materialises and queues a slice; returns the exclusions by reason and the recipients added. */
async function queueSlice(
  trx: Transaction<Database>,
  campaign: Campaign,
  run: { id: number; started_at: Date; slot: Date },
  slice: { first_id: number; last_id: number },
  opts: MaterialiseOptions,
): Promise<{ counts: Record<string, number>; targeted: number }> {
  const audience: Audience = audienceSchema.parse(campaign.audience);
  const schedule = scheduleSchema.parse(campaign.schedule);
  const tz = campaign.time_zone;
  const base = trx
    .selectFrom('customers as c')
    .leftJoin(chosenCards(trx, audience, tz, slice.first_id, slice.last_id).as('kc'), 'kc.customer_id', 'c.id')
    .leftJoin(weeklyMarketing(trx, opts.now, slice.first_id, slice.last_id).as('w'), 'w.customer_id', 'c.id')
    .where('c.id', '>=', slice.first_id)
    .where('c.id', '<=', slice.last_id)
    .where(audienceWhere(audience, tz))
    .where(anchorCondition(schedule, run.slot))
    .select([
      'c.id',
      'c.mobile',
      'c.name',
      'c.tier',
      'c.locale',
      'c.points',
      'kc.id as card_id',
      exclusionReason(opts.now, opts.weeklyCap, sql<number>`coalesce(w.n, 0)`).as('reason'),
    ]);
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
      WITH base AS MATERIALIZED (${base}),
      ins AS (
        INSERT INTO campaign_recipients (campaign_id, customer_id, run_id, card_id, seq)
        SELECT ${campaign.id}, id, ${run.id}, card_id, nextval(${sql.lit(pacingName(run.id))}) FROM (SELECT id, card_id FROM base WHERE reason IS NULL ORDER BY id) b
        ON CONFLICT DO NOTHING
        RETURNING customer_id, card_id, seq),
      t AS MATERIALIZED (
        SELECT ins.seq, c.id, c.mobile, c.tier, ${body} AS body, ${locale} AS locale
          FROM ins JOIN base c ON c.id = ins.customer_id LEFT JOIN cards k ON k.id = ins.card_id),
      q AS (
        INSERT INTO outbound_messages (to_number, body, locale, template, class, priority, customer_id, not_before, expires_at,
                                       created_at, encoding, segments, campaign_id)
        SELECT t.mobile, t.body, t.locale, 'campaign', 'marketing', ${priority}, t.id,
               ${run.started_at}::timestamptz + ((t.seq - 1) / ${campaign.rate_per_second}) * interval '1 second', ${expires}::timestamptz,
               ${opts.now}::timestamptz, ${m.encoding}, ${m.segments}, ${campaign.id}
          FROM t
        RETURNING 1)
      SELECT reason, count(*)::int AS n, (SELECT count(*)::int FROM ins) AS added, (SELECT count(*) FROM q) AS queued FROM base GROUP BY reason`.execute(trx);
  const counts: Record<string, number> = {};
  let targeted = 0;
  for (const r of rows) {
    if (r.reason === null) targeted = r.added;
    else counts[r.reason] = r.n;
  }
  return { counts, targeted };
}
