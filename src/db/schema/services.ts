// Confirmations, card-system requests, travel notices, applications, rewards and information keywords (migration 014).
import type { ColumnType, Generated } from 'kysely';
import type { Timestamp, DateOnly } from './columns';

/** JSON stored in a jsonb column: read as an object, written as a JSON string. */
type Json<T> = ColumnType<T, string, string>;

/** The states of a quoted action. */
export type ConfirmationState = 'pending' | 'confirmed' | 'cancelled' | 'expired';

/** pending_confirmations table: an action quoted to a customer, done only on `Y <ref>`. */
export interface PendingConfirmationsTable {
  id: Generated<number>;
  customer_id: number;
  /** The registered number it was quoted to: only that number may answer it. */
  phone: string;
  kind: string;
  ref: string;
  card_id: number | null;
  payload: Json<Record<string, unknown>>;
  state: ColumnType<ConfirmationState, ConfirmationState | undefined, ConfirmationState>;
  created_at: Timestamp;
  expires_at: Timestamp;
  answered_at: Timestamp | null;
}

/** The states of a request to the card system. */
export type CardRequestStatus = 'queued' | 'sending' | 'waiting' | 'done' | 'declined' | 'failed';

/** card_requests table: the outbox of requests to the card system. */
export interface CardRequestsTable {
  id: Generated<number>;
  idempotency_key: string;
  confirmation_id: number;
  customer_id: number;
  card_id: number | null;
  kind: string;
  payload: Json<Record<string, unknown>>;
  status: ColumnType<CardRequestStatus, CardRequestStatus | undefined, CardRequestStatus>;
  attempts: Generated<number>;
  next_attempt_at: Timestamp;
  lease_until: Timestamp | null;
  last_error: string | null;
  outcome: ColumnType<Record<string, unknown> | null, string | null | undefined, string | null>;
  created_at: Timestamp;
  answered_at: Timestamp | null;
}

/** travel_notices table. */
export interface TravelNoticesTable {
  id: Generated<number>;
  customer_id: number;
  countries: ColumnType<string[], string[], string[]>;
  from_day: DateOnly;
  to_day: DateOnly;
  created_at: Timestamp;
}

/** Application states, in order. */
export type ApplicationStatus = 'received' | 'reviewing' | 'approved' | 'declined' | 'posted';

/** applications table: card applications the import carries. */
export interface ApplicationsTable {
  id: Generated<number>;
  external_id: string;
  mobile: string;
  id_last4: string;
  product: string;
  status: ApplicationStatus;
  tracking: string | null;
  updated_at: Timestamp;
}

/** rewards table: the points catalogue. */
export interface RewardsTable {
  code: string;
  name: Json<Record<string, string>>;
  points: number;
  active: Generated<boolean>;
}

/** A staff keyword's replies: per language, a default and optionally one per tier. */
export type InfoReplies = Record<string, { default: string; standard?: string; gold?: string; platinum?: string }>;

/** info_keywords table: information keywords staff define (hotline, branches, offers). */
export interface InfoKeywordsTable {
  id: Generated<number>;
  keyword: string;
  aliases: ColumnType<string[], string[] | undefined, string[]>;
  replies: Json<InfoReplies>;
  valid_from: Timestamp | null;
  valid_to: Timestamp | null;
  created_by: number | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}
