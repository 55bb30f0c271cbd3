import { parseArgs } from 'node:util';
import type { Booted } from '../boot';
import { createMessaging } from '../core/messaging/notifier';
import { jobDefinitions, jobReport, runJob } from '../scheduler/jobs';

/** `job <name> [--date YYYY-MM-DD]` runs a job now (as of that date); `jobs` lists jobs with their last run. */
export async function jobCommands(command: 'job' | 'jobs', args: string[], boot: () => Promise<Booted>): Promise<number> {
  const usage = 'usage: npm run cli -- job <name> [--date YYYY-MM-DD] | npm run cli -- jobs';
  let parsed;
  try {
    parsed = parseArgs({ args, allowPositionals: true, options: { date: { type: 'string' } } });
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n${usage}\n`);
    return 2;
  }
  const date = parsed.values.date;
  if (date !== undefined && (!/^\d{4}-\d{2}-\d{2}$/.test(date) || Number.isNaN(Date.parse(`${date}T00:00:00Z`)))) {
    process.stderr.write(`--date: expected YYYY-MM-DD, got ${date}\n`);
    return 2;
  }
  const booted = await boot();
  try {
    const jobs = jobDefinitions(booted.config.defaultTimeZone);
    if (command === 'jobs') {
      for (const { job, last } of await jobReport(booted.db, jobs)) {
        const lastRun = last
          ? `${last.started_at.toISOString()} ${last.outcome} ${JSON.stringify(last.counts)}${last.error ? ` ${last.error}` : ''}`
          : 'never run';
        process.stdout.write(`${job.name.padEnd(20)} ${job.cron.padEnd(11)} ${job.timeZone.padEnd(16)} ${lastRun}\n`);
      }
      return 0;
    }
    const job = jobs.find((j) => j.name === parsed.positionals[0]);
    if (!job) {
      process.stderr.write(`unknown job ${parsed.positionals[0] ?? '(none)'}; jobs: ${jobs.map((j) => j.name).join(', ')}\n`);
      return 2;
    }
    const { notifier } = createMessaging(booted.config);
    // --date chooses who is due (whose birthday, which cards expire, which statements fall due);
    // the notices are queued now, to go out now.
    const asOf = new Date();
    const counts = await runJob({ db: booted.db, notifier, config: booted.config }, job, asOf, date);
    process.stdout.write(`${job.name}: ${JSON.stringify(counts)}\n`);
    return 0;
  } finally {
    await booted.close();
  }
}
