/**
 * The one interface every provider adapter implements, and the closed set of send errors they map
 * their codes into (after nyaruka/courier's `core/channels/errors.go`).
 */
import type { Router } from 'express';

/** Why a send failed; each kind is either worth retrying or not, never both. */
export type SendErrorKind =
  | 'throttled' // the provider asked us to slow down: retry, and slow the whole route
  | 'unavailable' // link down, bind lost, 5xx: retry, maybe on another route
  | 'timeout' // no answer in time and the request may not have left: retry
  | 'unknown_outcome' // the request left and the link dropped before an answer: do not resend blindly
  | 'invalid_destination' // not a reachable number: permanent
  | 'opted_out' // the recipient blocked us at the provider: permanent
  | 'rejected' // content or account refused: permanent
  | 'config'; // our credentials or settings are wrong: permanent until fixed

/** Whether each kind of send error is retried. */
export const RETRYABLE: Readonly<Record<SendErrorKind, boolean>> = {
  throttled: true,
  unavailable: true,
  timeout: true,
  unknown_outcome: false,
  invalid_destination: false,
  opted_out: false,
  rejected: false,
  config: false,
};

/** The parts of a long message the provider took before it refused one: sent again, only the others go. */
export interface PartsAccepted {
  /** The concatenation reference the parts went with (the rest must go with it too). */
  ref: number;
  /** Provider id of each accepted part, by part number (1-based). */
  accepted: ReadonlyMap<number, string>;
}

/** A classified send failure, with the provider's own code for the record. */
export class SendError extends Error {
  constructor(
    readonly kind: SendErrorKind,
    message: string,
    readonly providerCode?: string,
    /** Set when some parts of a long message were accepted before one was refused. */
    readonly progress?: PartsAccepted,
  ) {
    super(message);
    this.name = 'SendError';
  }

  /** True when the delivery engine should try again later. */
  get retryable(): boolean {
    return RETRYABLE[this.kind];
  }
}

/** One message handed to a transport. */
export interface OutboundSms {
  id: number;
  to: string;
  body: string;
  /** security | transactional | service | marketing */
  class: string;
  /** standard | gold | platinum, when the recipient is a customer */
  tier: string | null;
  /** Parts accepted by an earlier attempt: only the others are sent, with the same reference. */
  resume?: PartsAccepted;
}

/** What a provider said when it took a message. */
export interface SendResult {
  /** The provider's id, to match receipts against (first part's id for multi-part SMPP). */
  providerId: string;
  /** Ids of every part when the provider gives one per part. */
  partIds?: string[];
}

/** A delivery receipt or status callback, as the provider reported it. */
export interface DeliveryReport {
  channel: string;
  providerId: string;
  /** Other spellings the provider id may have been recorded under (SMPP: hex against decimal). */
  alternatives?: string[];
  state: 'accepted' | 'sent' | 'delivered' | 'undelivered' | 'failed' | 'expired' | 'unknown';
  errorCode?: string;
}

/** An inbound text as a transport (or the dev channel, or reassembly) hands it to the core. */
export interface InboundText {
  channel: string;
  providerId: string;
  from: string;
  to: string;
  text: string;
  receivedAt?: Date;
  /** A long text taken in with parts missing (after the reassembly timeout). */
  incomplete?: boolean;
}

/** One part of a concatenated text (UDH or SAR), as received. */
export interface ReceivedPart extends InboundText {
  ref: number;
  total: number;
  seq: number;
}

/** What a report did: moved a message, matched but changed nothing (late or repeated), or waits for its message. */
export type ReportOutcome = 'applied' | 'stale' | 'unmatched';

/** What the core gives a transport: where received texts and receipts go. */
export interface TransportSink {
  /** Records a received text; resolves only once it is committed (then the transport may ack). */
  inbound(sms: InboundText): Promise<void>;
  /**
   * Records one part of a concatenated text in Postgres; when it completes the set, the whole text
   * is recorded in the same transaction. Resolves once committed (then the transport may ack).
   */
  inboundPart(part: ReceivedPart): Promise<void>;
  /** Records a delivery report and applies it if its message is known. */
  report(report: DeliveryReport): Promise<ReportOutcome>;
}

/** A provider adapter: SMPP, Twilio, the dev channel. */
export interface SmsTransport {
  readonly name: string;
  /** False while the provider cannot take messages (SMPP not bound); routing then fails over. */
  isUp?(): boolean;
  /** Sends one message or throws a SendError. */
  send(msg: OutboundSms): Promise<SendResult>;
  /** Starts receiving (binds, listeners); texts and receipts go to the sink. */
  start?(sink: TransportSink): Promise<void>;
  /** Stops taking texts from the provider (a graceful stop's first step); sending goes on. */
  stopReceiving?(): void;
  /** Stops taking work and closes. */
  stop?(): Promise<void>;
  /** HTTP routes the provider calls (webhooks), mounted by the gateway's app. */
  webhooks?(): Router;
}
