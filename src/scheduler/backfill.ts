import { CronExpressionParser } from 'cron-parser';
import type { JobDefinition } from './jobs';

/**
 * The slots of a job that fell due in (`since`, `now`], oldest first: every one for a job whose
 * runs each cover their own slot (hourly greetings, daily reminders), only the latest for a job
 * that sweeps whatever is pending (every minute). graphile-worker's crontab backfill is the model.
 */
export function missedSlots(job: Pick<JobDefinition, 'cron' | 'timeZone' | 'backfill'>, since: Date, now: Date): Date[] {
  const slots: Date[] = [];
  const it = CronExpressionParser.parse(job.cron, { currentDate: new Date(now.getTime() + 1), tz: job.timeZone });
  while (it.hasPrev()) {
    const slot = it.prev().toDate();
    if (slot <= since) break;
    slots.unshift(slot);
    if (job.backfill === 'latest') break;
  }
  return slots;
}
