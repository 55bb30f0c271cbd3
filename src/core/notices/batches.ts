import type { Kysely } from 'kysely';
import type { AppConfig } from '../../config';
import type { Database, Db } from '../../db/schema';
import type { Notifier } from '../messaging/notifier';

/** What a notice job needs. */
export interface JobContext {
  db: Kysely<Database>;
  notifier: Notifier;
  config: AppConfig;
}

const BATCH = 500;

/**
 * Queues notices in batches of 500, each batch its own transaction: a crash mid-run keeps the
 * batches done, and a rerun skips them by their dedupe keys and carries on where it stopped.
 */
export async function queueInBatches<T>(ctx: JobContext, rows: T[], queue: (db: Db, row: T) => Promise<number | undefined>): Promise<number> {
  let queued = 0;
  for (let i = 0; i < rows.length; i += BATCH) {
    queued += await ctx.db.transaction().execute(async (trx) => {
      let n = 0;
      for (const row of rows.slice(i, i + BATCH)) if (await queue(trx, row)) n++;
      return n;
    });
  }
  return queued;
}

/** The calendar day `n` days after `day` (YYYY-MM-DD). */
export const addDays = (day: string, n: number): string => new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
