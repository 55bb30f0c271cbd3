// Texts in and out, their parts, receipts and route blocks.
import type { ColumnType, Generated } from 'kysely';
import type { Timestamp, DefaultTimestamp } from './columns';
import type { Locale } from './accounts';

/** Message classes, in the order they are delivered. */
export type MessageClass = 'security' | 'transactional' | 'service' | 'marketing';

/** Outbound message states. */
export type OutboundStatus = 'queued' | 'sending' | 'sent' | 'delivered' | 'undelivered' | 'failed' | 'expired' | 'unknown' | 'blocked';

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
  /** Taken in after its timeout with parts missing (answered "part of your message was lost"). */
  incomplete: Generated<boolean>;
  /** When the retention job emptied the text. */
  purged_at: Timestamp | null;
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
  /** Concatenation reference of a long message partly accepted: its other parts go again with it. */
  concat_ref: number | null;
  /** When the retention job emptied the body. */
  purged_at: Timestamp | null;
  /** The campaign that queued this text. */
  campaign_id: Generated<number | null>;
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

/** inbound_sets_done table: parts of completed long texts (a hash of each), to know a late copy. */
export interface InboundSetsDoneTable {
  channel: string;
  sender: string;
  ref: number;
  total: number;
  seq: number;
  part_hash: string;
  completed_at: Timestamp;
}

/** inbound_keys table: each provider id recorded once (a retry is a duplicate), with the text it named. */
export interface InboundKeysTable {
  channel: string;
  provider_id: string;
  inbound_id: number;
}

/** outbound_keys table: each dedupe key queued once, with the message it queued. */
export interface OutboundKeysTable {
  dedupe_key: string;
  outbound_id: number;
}
