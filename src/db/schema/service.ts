// Events and registrations, staff, cases, transaction checks and the audit trail.
import type { ColumnType, Generated } from 'kysely';
import type { Timestamp, DefaultTimestamp } from './columns';
import type { Locale, Tier } from './accounts';

/** events table (cardholder events to sign up for). */
export interface EventsTable {
  id: Generated<number>;
  code: string;
  title: ColumnType<Record<Locale, string>, string, string>;
  venue: string;
  starts_at: Timestamp;
  capacity: number;
  eligible_tiers: ColumnType<Tier[], Tier[], Tier[]>;
  eligible_products: ColumnType<string[], string[], string[]>;
  signup_opens_at: Timestamp;
  signup_closes_at: Timestamp;
  created_at: DefaultTimestamp;
}

/** staff table. */
export interface StaffTable {
  id: Generated<number>;
  external_id: string;
  name: string;
  role: 'agent' | 'marketing' | 'supervisor' | 'admin';
  mobile: string | null;
  token_hash: string | null;
  active: Generated<boolean>;
  locale: Generated<Locale>;
  created_at: DefaultTimestamp;
  /** When the current token was issued; it stops working STAFF_TOKEN_DAYS later. */
  token_issued_at: Timestamp | null;
  /** When the token last authenticated a request (to the minute). */
  last_used_at: Timestamp | null;
}

/** Registration states. */
export type RegistrationStatus = 'pending' | 'confirmed' | 'declined' | 'waitlisted' | 'withdrawn';

/** registrations table: a customer's sign-up for an event. */
export interface RegistrationsTable {
  id: Generated<number>;
  ref: string;
  event_id: number;
  customer_id: number;
  status: RegistrationStatus;
  reason: string | null;
  decided_by: number | null;
  decided_at: Timestamp | null;
  created_at: Timestamp;
  updated_at: DefaultTimestamp;
}

/** cases table: retention and fraud cases worked by agents. */
export interface CasesTable {
  id: Generated<number>;
  ref: string;
  kind: 'retention' | 'fraud' | 'callback' | 'complaint';
  customer_id: number;
  card_id: number | null;
  status: Generated<'open' | 'claimed' | 'resolved'>;
  summary: string;
  offer: string | null;
  due_at: Timestamp | null;
  assigned_to: number | null;
  outcome: string | null;
  source: string | null;
  created_at: Timestamp;
  claimed_at: Timestamp | null;
  resolved_at: Timestamp | null;
  /** When the customer was asked to rate the service, and their answer 1–5 (the agent's quality score). */
  survey_asked_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  survey_score: ColumnType<number | null, number | null | undefined, number | null>;
}

/** case_notes table. */
export interface CaseNotesTable {
  id: Generated<number>;
  case_id: number;
  staff_id: number;
  note: string;
  created_at: DefaultTimestamp;
}

/** transaction_checks table: "was this you?" confirmations of large transactions. */
export interface TransactionChecksTable {
  id: Generated<number>;
  transaction_id: number;
  customer_id: number;
  card_id: number;
  ref: string;
  status: Generated<'pending' | 'confirmed' | 'denied' | 'escalated'>;
  created_at: Timestamp;
  expires_at: Timestamp;
  answered_at: Timestamp | null;
}

/** audit_log table: every command, send, receipt and staff action. */
export interface AuditLogTable {
  id: Generated<number>;
  at: DefaultTimestamp;
  actor_type: 'customer' | 'staff' | 'system' | 'unknown';
  actor_id: string | null;
  channel: string;
  action: string;
  subject: string | null;
  details: ColumnType<Record<string, unknown>, string, string>;
}
