import { type Kysely, sql } from 'kysely';
import type { Database } from '../../db/schema';
import { nextRun, scheduleSchema } from '../../domain/campaigns/schedule';
import type { JobContext } from '../notices/batches';
import { finishRun, materialiseSlice, sliceRun } from './materialise';
import { optOutLines } from './render';
import { PAUSED_UNTIL } from './control';
import { MARKETING_PRIORITY } from '../outbox/outbox';

/**
 * Starts the campaigns due at `asOf`: each approved (still at its approved version) or running
 * campaign whose next run is due gets a campaign_runs row for that slot (unique: a second instance,
 * or a rerun, starts nothing twice) and its next run from the schedule, in one transaction with the
 * campaign locked. Returns how many runs it started.
 */
export async function startDueCampaigns(db: Kysely<Database>, asOf: Date): Promise<number> {
  return db.transaction().execute(async (trx) => {
    const due = await trx
      .selectFrom('campaigns')
      .selectAll()
      .where('status', 'in', ['approved', 'running'])
      .where('next_run_at', '<=', asOf)
      .where(sql<boolean>`approved_version = version`)
      .forUpdate()
      .skipLocked()
      .execute();
    let started = 0;
    for (const c of due) {
      const slot = c.next_run_at!;
      const schedule = scheduleSchema.parse(c.schedule);
      const added = await trx
        .insertInto('campaign_runs')
        .values({ campaign_id: c.id, slot, started_at: asOf })
        .onConflict((oc) => oc.columns(['campaign_id', 'slot']).doNothing())
        .returning('id')
        .executeTakeFirst();
      if (added) started++;
      await trx
        .updateTable('campaigns')
        .set({ status: 'running', next_run_at: schedule.kind === 'once' ? null : nextRun(schedule, slot), updated_at: asOf })
        .where('id', '=', c.id)
        .execute();
    }
    return started;
  });
}

/**
 * Workers that materialise one run at once, each claiming its own slices: two keep both cores of a
 * small database server busy (one statement uses one core); more only contend for them.
 */
export const MATERIALISE_LANES = 2;

/**
 * Materialises every unfinished run of a running campaign, slice by slice with MATERIALISE_LANES
 * workers, until it is done or its campaign is paused or cancelled (read with each slice). A run
 * a crash interrupted goes on with its open slices. Returns the recipients added.
 */
export async function continueRuns(ctx: JobContext, asOf: Date, batch?: number): Promise<number> {
  const lines = optOutLines(ctx.notifier);
  const runs = await ctx.db
    .selectFrom('campaign_runs as r')
    .innerJoin('campaigns as c', 'c.id', 'r.campaign_id')
    .select('r.id')
    .where('r.finished_at', 'is', null)
    .where('c.status', '=', 'running')
    .orderBy('r.id')
    .execute();
  let added = 0;
  const opts = { lines, weeklyCap: ctx.config.marketingWeeklyCap, now: asOf };
  for (const { id } of runs) {
    let stopped = false;
    const lane = async () => {
      for (;;) {
        const outcome = await materialiseSlice(ctx.db, id, opts);
        if (outcome.kind !== 'done') {
          stopped ||= outcome.kind === 'stopped';
          return;
        }
        added += outcome.targeted;
      }
    };
    await sliceRun(ctx.db, id, batch);
    await Promise.all(Array.from({ length: MATERIALISE_LANES }, lane));
    if (!stopped) await finishRun(ctx.db, id, asOf);
  }
  return added;
}

/**
 * Housekeeping for running campaigns: texts a worker put back as paused after the campaign was
 * resumed are released; a campaign with no next run, no unfinished run and nothing left to send is
 * done. Returns how many became done.
 */
export async function settleCampaigns(db: Kysely<Database>, asOf: Date): Promise<number> {
  // The priority range lets the queue's due index find the held texts without reading a big campaign's backlog.
  await sql`
    UPDATE outbound_messages o SET not_before = ${asOf}
     WHERE o.status = 'queued' AND o.priority BETWEEN ${MARKETING_PRIORITY} AND ${MARKETING_PRIORITY + 3} AND o.not_before >= ${PAUSED_UNTIL}
       AND o.campaign_id IN (SELECT id FROM campaigns WHERE status = 'running')`.execute(db);
  const { rows } = await sql`
    UPDATE campaigns c SET status = 'done', updated_at = ${asOf}
     WHERE c.status = 'running' AND c.next_run_at IS NULL
       AND NOT EXISTS (SELECT 1 FROM campaign_runs r WHERE r.campaign_id = c.id AND r.finished_at IS NULL)
       AND NOT EXISTS (SELECT 1 FROM outbound_messages o WHERE o.campaign_id = c.id AND o.status IN ('queued', 'sending'))
 RETURNING c.id`.execute(db);
  return rows.length;
}

/** The scheduler's `campaigns` job: start what is due, materialise and queue, settle. */
export async function runCampaigns(ctx: JobContext, asOf: Date): Promise<Record<string, number>> {
  const started = await startDueCampaigns(ctx.db, asOf);
  const recipients = await continueRuns(ctx, asOf);
  const done = await settleCampaigns(ctx.db, asOf);
  return { started, recipients, done };
}
