// Scheduled jobs: tick leases and runs.
import type { ColumnType, Generated } from 'kysely';
import type { Timestamp, DefaultTimestamp } from './columns';

/** job_leases table: one row per scheduled job. */
export interface JobLeasesTable {
  name: string;
  last_slot: Timestamp | null;
  holder: string | null;
}

/** job_runs table: each run of a job with its outcome and counts. */
export interface JobRunsTable {
  id: Generated<number>;
  name: string;
  as_of: Timestamp;
  started_at: DefaultTimestamp;
  finished_at: Timestamp | null;
  outcome: Generated<'running' | 'ok' | 'failed'>;
  counts: ColumnType<Record<string, number>, string | undefined, string>;
  error: string | null;
}
