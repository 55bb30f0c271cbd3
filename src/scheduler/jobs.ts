import { sql } from 'kysely';
import { jobRuns } from '../shared/metrics';
import { escalateUnanswered, sweepUnasked } from '../core/checks/sweep';
import type { Db } from '../db/schema';
import { purgeMessageBodies } from '../domain/retention';
import type { JobContext } from '../core/notices/batches';
import { birthdayGreetings } from '../core/notices/birthday';
import { paymentReminders, renewalReminders } from '../core/notices/reminders';
import { runCampaigns } from '../core/campaigns/run';
import { dropExpiredPartitions, ensurePartitions } from '../db/partitions';

/** One scheduled job: when it runs and what it does (as of an instant, or of a given date). */
export interface JobDefinition {
  name: string;
  cron: string;
  timeZone: string;
  /** Slots missed while no instance ran (a deploy at the tick): each one (`every`), or the latest only. */
  backfill: 'every' | 'latest';
  description: string;
  run(ctx: JobContext, asOf: Date, date?: string): Promise<Record<string, number>>;
}

/** Every scheduled job, in one list. */
export function jobDefinitions(defaultTimeZone: string): JobDefinition[] {
  return [
    {
      name: 'birthday-greetings',
      cron: '0 * * * *',
      timeZone: 'UTC',
      backfill: 'every',
      description: 'greetings at the configured local hour',
      run: birthdayGreetings,
    },
    {
      name: 'renewal-reminders',
      cron: '0 10 * * *',
      timeZone: defaultTimeZone,
      backfill: 'every',
      description: 'card expiry reminders at each offset',
      run: renewalReminders,
    },
    {
      name: 'payment-reminders',
      cron: '0 10 * * *',
      timeZone: defaultTimeZone,
      backfill: 'every',
      description: 'minimum payment due soon',
      run: paymentReminders,
    },
    {
      name: 'txcheck-sweep',
      cron: '* * * * *',
      timeZone: 'UTC',
      backfill: 'latest',
      description: 'ask about large transactions stored but never asked',
      run: async (ctx, asOf) => ({ asked: await sweepUnasked(ctx.db, ctx.notifier, ctx.config, asOf) }),
    },
    {
      name: 'message-retention',
      cron: '30 3 * * *',
      timeZone: defaultTimeZone,
      backfill: 'latest',
      description: 'empty message bodies older than MESSAGE_RETENTION_DAYS',
      run: async (ctx, asOf) => ({ ...(await purgeMessageBodies(ctx.db, new Date(asOf.getTime() - ctx.config.messageRetentionDays * 86_400_000), asOf)) }),
    },
    {
      name: 'partitions',
      cron: '5 * * * *',
      timeZone: 'UTC',
      backfill: 'latest',
      description: 'month partitions created three months ahead, ids moved to the new month, months past RETENTION_MONTHS dropped',
      // By the database's clock, not the slot's: ids are drawn by the database's clock.
      run: async (ctx) => {
        const { rows } = await sql<{ now: Date }>`SELECT now()`.execute(ctx.db);
        const made = await ensurePartitions(ctx.db, rows[0]!.now);
        const dropped = await dropExpiredPartitions(ctx.db, rows[0]!.now, ctx.config.retentionMonths);
        return { ...made, dropped: dropped.length };
      },
    },
    {
      name: 'txcheck-escalate',
      cron: '* * * * *',
      timeZone: 'UTC',
      backfill: 'latest',
      description: 'unanswered checks to the fraud queue',
      run: async (ctx, asOf) => ({ escalated: await escalateUnanswered(ctx.db, asOf) }),
    },
    {
      name: 'campaigns',
      cron: '* * * * *',
      timeZone: 'UTC',
      backfill: 'latest',
      description: 'start due marketing campaigns, materialise and queue their recipients, mark finished ones done',
      run: runCampaigns,
    },
  ];
}

/** Runs a job once (it commits in batches of its own), recording the run (outcome, counts, error) in job_runs. */
export async function runJob(ctx: JobContext, job: JobDefinition, asOf: Date, date?: string) {
  const { id } = await ctx.db.insertInto('job_runs').values({ name: job.name, as_of: asOf }).returning('id').executeTakeFirstOrThrow();
  try {
    const counts = await job.run(ctx, asOf, date);
    await ctx.db
      .updateTable('job_runs')
      .set({ outcome: 'ok', counts: JSON.stringify(counts), finished_at: sql`now()` })
      .where('id', '=', id)
      .execute();
    jobRuns.inc({ job: job.name, outcome: 'ok' });
    return counts;
  } catch (err) {
    await ctx.db
      .updateTable('job_runs')
      .set({ outcome: 'failed', error: String(err).slice(0, 500), finished_at: sql`now()` })
      .where('id', '=', id)
      .execute();
    jobRuns.inc({ job: job.name, outcome: 'failed' });
    throw err;
  }
}

/** Each job with its last run. */
export async function jobReport(db: Db, jobs: JobDefinition[]) {
  const out = [];
  for (const job of jobs) {
    const last = await db.selectFrom('job_runs').selectAll().where('name', '=', job.name).orderBy('id', 'desc').limit(1).executeTakeFirst();
    out.push({ job, last });
  }
  return out;
}
