import type { ColumnType, Generated, Kysely, Selectable, Transaction } from 'kysely';

/** A timestamp column: read as Date, written as Date or ISO string. */
type Timestamp = ColumnType<Date, Date | string, Date | string>;
/** A timestamp column the database fills in when the insert leaves it out. */
type DefaultTimestamp = ColumnType<Date, Date | string | undefined, Date | string>;
/** A date-only column (YYYY-MM-DD), kept as a string to avoid time-zone shifts. */
type DateOnly = ColumnType<string, string, string>;

/** Supported reply languages. */
export type Locale = 'en' | 'zh-CN' | 'zh-HK';
/** Service tiers, lowest first. */
export type Tier = 'standard' | 'gold' | 'platinum';
/** Card lifecycle states. */
export type CardStatus = 'inactive' | 'active' | 'frozen' | 'closed';
/** Message classes, in the order they are delivered. */
export type MessageClass = 'security' | 'transactional' | 'service' | 'marketing';
/** Outbound message states. */
export type OutboundStatus =
  | 'queued'
  | 'sending'
  | 'sent'
  | 'delivered'
  | 'undelivered'
  | 'failed'
  | 'expired'
  | 'unknown'
  | 'blocked';

/** customers table. */
export interface CustomersTable {
  id: Generated<number>;
  external_id: string;
  name: string;
  mobile: string;
  locale: Locale;
  time_zone: string;
  tier: Tier;
  birthday: DateOnly | null;
  points: number;
  marketing_consent: boolean;
  greetings_opt_out: Generated<boolean>;
  created_at: DefaultTimestamp;
  updated_at: DefaultTimestamp;
}

/** cards table: never a full card number, only last 4 and keyed hashes. */
export interface CardsTable {
  id: Generated<number>;
  external_id: string;
  customer_id: number;
  last4: string;
  pan_hmac: string;
  activation_hmac: string;
  product: string;
  currency: string;
  credit_limit: number;
  balance: number;
  status: CardStatus;
  expires_on: DateOnly;
  created_at: DefaultTimestamp;
  updated_at: DefaultTimestamp;
}

/** statements table. */
export interface StatementsTable {
  id: Generated<number>;
  external_id: string;
  card_id: number;
  closing_date: DateOnly;
  due_date: DateOnly;
  balance: number;
  minimum_due: number;
  paid_amount: number;
  currency: string;
}

/** transactions table (card authorisations). */
export interface TransactionsTable {
  id: Generated<number>;
  external_id: string;
  card_id: number;
  amount: number;
  currency: string;
  merchant: string;
  occurred_at: Timestamp;
  created_at: DefaultTimestamp;
}

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
}

/** suppressions table: numbers that said STOP to marketing. */
export interface SuppressionsTable {
  mobile: string;
  reason: string;
  created_at: DefaultTimestamp;
}

/** inbound_messages table: every text received, persisted before it is acknowledged. */
export interface InboundMessagesTable {
  id: Generated<number>;
  channel: string;
  provider_id: string;
  from_number: string;
  to_number: string;
  text: string;
  received_at: Timestamp;
  status: Generated<'received' | 'processed' | 'rate_limited' | 'failed'>;
  customer_id: number | null;
  staff_id: number | null;
  command: string | null;
  processed_at: Timestamp | null;
  error: string | null;
}

/** outbound_messages table: the transactional outbox every send goes through. */
export interface OutboundMessagesTable {
  id: Generated<number>;
  channel: string | null;
  to_number: string;
  customer_id: number | null;
  inbound_id: number | null;
  template: string;
  class: MessageClass;
  priority: number;
  body: string;
  locale: Locale;
  status: Generated<OutboundStatus>;
  dedupe_key: string | null;
  provider_id: string | null;
  attempts: Generated<number>;
  not_before: DefaultTimestamp;
  expires_at: Timestamp | null;
  locked_until: Timestamp | null;
  last_error: string | null;
  encoding: string | null;
  segments: number | null;
  created_at: DefaultTimestamp;
  updated_at: DefaultTimestamp;
  sent_at: Timestamp | null;
  settled_at: Timestamp | null;
  handed_at: Timestamp | null;
}

/** outbound_parts table: one row per part of a multi-part message, for receipts. */
export interface OutboundPartsTable {
  outbound_id: number;
  part_no: number;
  channel: string;
  provider_id: string;
  status: Generated<string>;
  error_code: string | null;
  updated_at: DefaultTimestamp;
}

/** delivery_reports table: receipts and status callbacks as received. */
export interface DeliveryReportsTable {
  id: Generated<number>;
  channel: string;
  provider_id: string;
  alternatives: ColumnType<string[], string[] | undefined, string[]>;
  state: string;
  error_code: string | null;
  received_at: DefaultTimestamp;
  outbound_id: number | null;
}

/** activation_attempts table: for locking after repeated wrong codes. */
export interface ActivationAttemptsTable {
  id: Generated<number>;
  from_number: string;
  customer_id: number | null;
  success: boolean;
  at: Timestamp;
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
  kind: 'retention' | 'fraud';
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
}

/** case_notes table. */
export interface CaseNotesTable {
  id: Generated<number>;
  case_id: number;
  staff_id: number;
  note: string;
  created_at: DefaultTimestamp;
}

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

/** route_blocks table: a number unreachable through one transport. */
export interface RouteBlocksTable {
  to_number: string;
  channel: string;
  reason: string;
  created_at: DefaultTimestamp;
}

/** inbound_parts table: parts of a concatenated inbound text awaiting the rest. */
export interface InboundPartsTable {
  channel: string;
  sender: string;
  ref: number;
  total: number;
  seq: number;
  recipient: string;
  provider_id: string;
  text: string;
  received_at: Timestamp;
}

/** The whole database, for Kysely. */
export interface Database {
  customers: CustomersTable;
  cards: CardsTable;
  statements: StatementsTable;
  transactions: TransactionsTable;
  events: EventsTable;
  staff: StaffTable;
  suppressions: SuppressionsTable;
  inbound_messages: InboundMessagesTable;
  outbound_messages: OutboundMessagesTable;
  outbound_parts: OutboundPartsTable;
  delivery_reports: DeliveryReportsTable;
  activation_attempts: ActivationAttemptsTable;
  audit_log: AuditLogTable;
  registrations: RegistrationsTable;
  cases: CasesTable;
  case_notes: CaseNotesTable;
  job_leases: JobLeasesTable;
  job_runs: JobRunsTable;
  transaction_checks: TransactionChecksTable;
  route_blocks: RouteBlocksTable;
  inbound_parts: InboundPartsTable;
}

/** A database handle or an open transaction: repositories accept either. */
export type Db = Kysely<Database> | Transaction<Database>;
/** A customer row. */
export type Customer = Selectable<CustomersTable>;
/** A card row. */
export type Card = Selectable<CardsTable>;
/** A staff row. */
export type Staff = Selectable<StaffTable>;
/** An inbound message row. */
export type InboundMessage = Selectable<InboundMessagesTable>;
/** An event row. */
export type EventRow = Selectable<EventsTable>;
/** A registration row. */
export type Registration = Selectable<RegistrationsTable>;
/** A case row. */
export type CaseRow = Selectable<CasesTable>;
/** An outbound message row. */
export type OutboundMessage = Selectable<OutboundMessagesTable>;
