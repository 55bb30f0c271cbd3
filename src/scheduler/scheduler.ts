import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import cron, { type ScheduledTask } from 'node-cron';
import type { Database } from '../db/schema';
import type { Logger } from '../shared/log';
import type { Clock } from '../shared/clock';
import { type JobDefinition, runJob } from './jobs';
import { takeTick } from './lease';
import type { JobContext } from '../core/notices/batches';

/** Runs the job list on node-cron; every tick first takes the job's slot in Postgres, so it fires once across instances. */
export class Scheduler {
  private readonly tasks: ScheduledTask[] = [];
  private readonly holder = randomUUID();

  constructor(
    private readonly ctx: JobContext & { db: Kysely<Database> },
    private readonly jobs: JobDefinition[],
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly afterRun: () => void = () => {},
  ) {}

  /** Registers every job. */
  start(): void {
    for (const job of this.jobs) {
      this.tasks.push(cron.schedule(job.cron, () => void this.tick(job), { timezone: job.timeZone, name: job.name }));
    }
  }

  /** Stops every job. */
  async stop(): Promise<void> {
    for (const t of this.tasks) await t.stop();
  }

  /** One tick: take the minute's slot, run, log. Exposed for tests of the lease. */
  async tick(job: JobDefinition): Promise<boolean> {
    const now = this.clock();
    const slot = new Date(Math.floor(now.getTime() / 60_000) * 60_000);
    try {
      if (!(await takeTick(this.ctx.db, job.name, slot, this.holder))) return false;
      const counts = await runJob(this.ctx, job, now);
      this.log.info({ job: job.name, counts }, 'job ran');
      this.afterRun();
      return true;
    } catch (err) {
      this.log.error({ err, job: job.name }, 'job failed');
      return false;
    }
  }
}
