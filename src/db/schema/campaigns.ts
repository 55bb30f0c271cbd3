// Marketing campaigns, their runs and materialised recipients.
import type { ColumnType, Generated } from 'kysely';
import type { Timestamp, DefaultTimestamp } from './columns';

/** Campaign states: draft until approved; an edit after approval makes it a draft again. */
export type CampaignStatus = 'draft' | 'approved' | 'running' | 'paused' | 'cancelled' | 'done';

/** How a campaign is scheduled. */
export type ScheduleKind = 'once' | 'cron' | 'relative';

/** A JSON column read as `T` and written as its JSON text. */
type Json<T> = ColumnType<T, string, string>;

/** campaigns table. */
export interface CampaignsTable {
  id: Generated<number>;
  name: string;
  purpose: string;
  /** ICU MessageFormat text per locale. */
  messages: Json<Record<string, string>>;
  /** The audience filter (see domain/campaigns/audience.ts). */
  audience: Json<Record<string, unknown>>;
  /** The schedule (see domain/campaigns/schedule.ts). */
  schedule: Json<Record<string, unknown>>;
  schedule_kind: ScheduleKind;
  time_zone: string;
  rate_per_second: number;
  validity_minutes: number;
  promoted_keyword: string | null;
  status: Generated<CampaignStatus>;
  created_by: number;
  approved_by: number | null;
  /** The version approved; the campaign may run only while it equals `version`. */
  approved_version: number | null;
  version: Generated<number>;
  next_run_at: Timestamp | null;
  created_at: DefaultTimestamp;
  updated_at: DefaultTimestamp;
}

/** campaign_runs table: one firing of a campaign, with its materialisation cursor and exclusions. */
export interface CampaignRunsTable {
  id: Generated<number>;
  campaign_id: number;
  slot: Timestamp;
  /** The last customer id of the range cut into slices so far. */
  cursor: Generated<number>;
  targeted: Generated<number>;
  excluded: ColumnType<Record<string, number>, string | undefined, string>;
  started_at: Timestamp;
  finished_at: Timestamp | null;
}

/** campaign_recipients table: the materialised audience of a run (unique per run and customer). */
export interface CampaignRecipientsTable {
  campaign_id: number;
  customer_id: number;
  run_id: number;
  card_id: number | null;
  /** Position in the run, which spaces sends by the campaign's rate. */
  seq: number;
}

/** campaign_run_slices table: a run's customer-id range in slices, each claimed by one worker and done with its texts. */
export interface CampaignRunSlicesTable {
  run_id: number;
  first_id: number;
  last_id: number;
  done_at: Timestamp | null;
}
