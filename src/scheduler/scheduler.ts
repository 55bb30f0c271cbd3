import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import cron, { type ScheduledTask } from 'node-cron';
import type { Database } from '../db/schema';
import type { Logger } from '../shared/log';
import type { Clock } from '../shared/clock';
import { type JobDefinition, runJob } from './jobs';
import { missedSlots } from './backfill';
import { takeTick } from './lease';
import type { JobContext } from '../core/notices/batches';

/**
 * Runs the job list on node-cron; every tick first takes the job's slot in Postgres, so it fires
 * once across instances. Slots no instance ran (all were down at the tick, or the database was) are
 * run when the scheduler starts and each minute after, within the backfill window; the dedupe keys
 * of the notices make a slot run late still send each notice once.
 */
export class Scheduler {
  private readonly tasks: ScheduledTask[] = [];
  private readonly holder = randomUUID();
  private catchUpTimer: NodeJS.Timeout | null = null;
  private catchingUp: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly ctx: JobContext & { db: Kysely<Database> },
    private readonly jobs: JobDefinition[],
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly afterRun: () => void = () => {},
    private readonly backfillMs = 24 * 3600_000,
  ) {}

  /** Registers every job, and catches up on missed slots now and each minute. */
  start(): void {
    for (const job of this.jobs) {
      this.tasks.push(cron.schedule(job.cron, () => void this.tick(job), { timezone: job.timeZone, name: job.name }));
    }
    const catchUp = () =>
      (this.catchingUp = this.catchUp().catch((err) => this.log.warn({ error: (err as Error).message }, 'catching up on missed jobs failed')));
    void catchUp();
    this.catchUpTimer = setInterval(() => void catchUp(), 60_000);
    this.catchUpTimer.unref();
  }

  /** Stops every job. */
  async stop(): Promise<void> {
    if (this.catchUpTimer) clearInterval(this.catchUpTimer);
    for (const t of this.tasks) await t.stop();
    await this.catchingUp;
  }

  /** One tick: take the minute's slot, run, log. Exposed for tests of the lease. */
  async tick(job: JobDefinition): Promise<boolean> {
    const now = this.clock();
    return this.runSlot(job, new Date(Math.floor(now.getTime() / 60_000) * 60_000), now);
  }

  /**
   * Runs the slots each job missed since it last ran (within the backfill window), oldest first, as
   * of their own time. A job never run anywhere (a new installation) starts from now: nothing
   * before it is run. Returns the slots run, as `job@ISO time`.
   */
  async catchUp(): Promise<string[]> {
    const now = this.clock();
    const last = new Map((await this.ctx.db.selectFrom('job_leases').select(['name', 'last_slot']).execute()).map((r) => [r.name, r.last_slot]));
    const ran: string[] = [];
    for (const job of this.jobs) {
      const lastSlot = last.get(job.name);
      if (!lastSlot) {
        await takeTick(this.ctx.db, job.name, missedSlots({ ...job, backfill: 'latest' }, new Date(0), now)[0] ?? now, this.holder);
        continue;
      }
      const since = new Date(Math.max(lastSlot.getTime(), now.getTime() - this.backfillMs));
      for (const slot of missedSlots(job, since, now)) if (await this.runSlot(job, slot, slot)) ran.push(`${job.name}@${slot.toISOString()}`);
    }
    if (ran.length > 0) this.log.info({ ran }, 'caught up on missed jobs');
    return ran;
  }

  /** Takes a slot (only the instance that moves it forward runs it), runs the job as of `asOf`, logs. */
  private async runSlot(job: JobDefinition, slot: Date, asOf: Date): Promise<boolean> {
    try {
      if (!(await takeTick(this.ctx.db, job.name, slot, this.holder))) return false;
      const counts = await runJob(this.ctx, job, asOf);
      this.log.info({ job: job.name, slot, counts }, 'job ran');
      this.afterRun();
      return true;
    } catch (err) {
      this.log.error({ err, job: job.name }, 'job failed');
      return false;
    }
  }
}
