// Customers, cards, statements, transactions, opt-outs and activation attempts.
import type { Generated } from 'kysely';
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
