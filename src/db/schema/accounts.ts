// Customers, cards, statements, transactions, opt-outs and activation attempts.
import type { ColumnType, Generated } from 'kysely';
import type { Timestamp, DefaultTimestamp, DateOnly } from './columns';

/** Supported reply languages. */
export type Locale = 'en' | 'zh-CN' | 'zh-HK';

/** Service tiers, lowest first. */
export type Tier = 'standard' | 'gold' | 'platinum';

/** Card lifecycle states. */
export type CardStatus = 'inactive' | 'active' | 'frozen' | 'closed';

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
  /** When the profile was true at the card system, and its version there (changes apply in this order). */
  as_of: DefaultTimestamp;
  as_of_version: Generated<number>;
  /** When `points` was true at the card system, and its version there. */
  points_as_of: DefaultTimestamp;
  points_version: Generated<number>;
  /** Set when a full snapshot no longer had the customer: treated as unknown until an import brings them back. */
  closed_at: Timestamp | null;
  /** The import run that last carried the customer. */
  import_run: number | null;
  /** Where the customer lives (audience filters). */
  city: string | null;
  region: string | null;
  /** Customer of the bank since (the card system's date; null: since the row was created). */
  customer_since: DateOnly | null;
}

/** cards table: never a full card number, only last 4 and keyed hashes. */
export interface CardsTable {
  id: Generated<number>;
  external_id: string;
  customer_id: number;
  last4: string;
  pan_hmac: string;
  activation_hmac: string;
  /** The id of the key both hashes were made with (see cardKeyId); null only before the first start after migration 009. */
  hash_key_id: string | null;
  product: string;
  currency: string;
  credit_limit: number;
  balance: number;
  status: CardStatus;
  expires_on: DateOnly;
  created_at: DefaultTimestamp;
  updated_at: DefaultTimestamp;
  /** When the card's figures were true at the card system, and its version there. */
  as_of: DefaultTimestamp;
  as_of_version: Generated<number>;
  /** Available credit as the card system counts it (holds, over-limit); null: limit less balance. */
  available_credit: number | null;
  /** When Uplink itself last set the status (activation, LOST, a denied check). */
  local_status_at: Timestamp | null;
  /** The import run that last carried the card. */
  import_run: number | null;
  /** Temporarily locked by the customer (LOCK/UNLOCK); unlike `frozen` (LOST), undone by SMS. */
  locked: Generated<boolean>;
  overseas_use: Generated<boolean>;
  online_use: Generated<boolean>;
  estatement: Generated<boolean>;
  autopay: ColumnType<'off' | 'minimum' | 'full', 'off' | 'minimum' | 'full' | undefined, 'off' | 'minimum' | 'full'>;
  annual_fee_status: ColumnType<'due' | 'waived' | 'paid', 'due' | 'waived' | 'paid' | undefined, 'due' | 'waived' | 'paid'>;
  /** A temporary credit limit and its last day. */
  temp_limit: number | null;
  temp_limit_until: DateOnly | null;
  /** Late payments in the last 12 months (the payment history TEMP's rule table reads). */
  late_payments: Generated<number>;
  /** When the card went from inactive to active (set by a trigger). */
  activated_at: Timestamp | null;
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
  /** When the statement's figures (the payment made) were true at the card system, and its version there. */
  as_of: DefaultTimestamp;
  as_of_version: Generated<number>;
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
  /** ISO 3166 country of the merchant, when the card system says (travel notices). */
  country: ColumnType<string | null, string | null | undefined, string | null>;
}

/** suppressions table: numbers that said STOP to marketing. */
export interface SuppressionsTable {
  mobile: string;
  reason: string;
  created_at: DefaultTimestamp;
}

/** stop_confirmations table: when a STOP was last answered, per number (at most once in 24 hours). */
export interface StopConfirmationsTable {
  mobile: string;
  confirmed_at: Timestamp;
}

/** activation_attempts table: for locking after repeated wrong codes. */
export interface ActivationAttemptsTable {
  id: Generated<number>;
  from_number: string;
  customer_id: number | null;
  success: boolean;
  at: Timestamp;
}

/** import_runs table: one per import of a file; the checkpoint an interrupted import resumes from. */
export interface ImportRunsTable {
  id: Generated<number>;
  file: string;
  /** Size, modification time and a hash of the first 64 KB: the same file is resumed, another is not. */
  fingerprint: string;
  snapshot: boolean;
  as_of: Timestamp;
  status: ColumnType<'running' | 'done' | 'abandoned', 'running' | 'done' | 'abandoned' | undefined, 'running' | 'done' | 'abandoned'>;
  lines_done: Generated<number>;
  bytes_done: Generated<number>;
  counts: ColumnType<Record<string, unknown>, string | undefined, string>;
  started_at: DefaultTimestamp;
  updated_at: DefaultTimestamp;
  finished_at: Timestamp | null;
}
