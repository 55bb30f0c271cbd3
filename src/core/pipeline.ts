import type { Kysely } from 'kysely';
import type { AppConfig } from '../config';
import type { Database, Db } from '../db/schema';
import type { Logger } from '../log';
import type { BatchText } from './batch';
import { Batcher } from './batcher';
import type { Clock } from './clock';
import type { Command } from './commands/command';
import { type Handled, TextHandler } from './handle';
import type { HandOff, Outbox } from './outbox/outbox';
import type { Notifier } from './notifier';
import { type Accepted, recordTexts } from './record';

export type { Accepted } from './record';

/**
 * A recorded text waiting for a worker: `readOnly` when it names a read-only command (answered
 * without a transaction, from `read` when recording read it).
 */
type Scheduled = { id: number; readOnly: boolean; read?: BatchText };

/**
 * Batches of at most this many texts are read as they are recorded (one statement fewer per text
 * when texts come one or two at a time); larger ones are recorded alone and read by the worker, so
 * the deliver_sm_resp of a burst waits for the INSERT only (reading 50 senders' accounts tripled
 * the statement's time, and an SMSC's window of unanswered texts caps the rate at window / wait).
 */
export const READ_WHILE_RECORDING_MAX = 8;

/** An inbound text as a transport hands it over. */
export interface InboundSms {
  channel: string;
  providerId: string;
  from: string;
  to: string;
  text: string;
  receivedAt?: Date;
}

/** What the pipeline needs from the rest of the gateway. */
export interface PipelineDeps {
  db: Kysely<Database>;
  config: AppConfig;
  notifier: Notifier;
  outbox: Outbox;
  commands: readonly Command<any>[];
  clock: Clock;
  log: Logger;
  /** Called after replies were committed to the outbox for a claim (wakes the dispatcher). */
  onQueued?: () => void;
  /** Takes replies as their transaction commits, claimed in it (see Outbox.insert). */
  handOff?: HandOff;
  /** Called when a text starts being handled (bulk sending gives way). */
  onInteractive?: () => void;
}

/**
 * The inbound pipeline: persist, dedupe, then identify, parse, run the command and queue replies.
 * Texts arriving together are recorded in one statement and handled in batches (see TextHandler).
 */
export class InboundPipeline {
  private readonly handler: TextHandler;
  private readonly recorder: Batcher<InboundSms, Accepted>;
  private readonly worker: Batcher<Scheduled, void>;

  constructor(private readonly deps: PipelineDeps) {
    this.handler = new TextHandler(deps);
    this.recorder = new Batcher(
      (items) => recordTexts(deps.db, items, deps.config.defaultRegion, deps.clock(), items.length <= READ_WHILE_RECORDING_MAX ? this.handler.since() : undefined),
      { max: 500, concurrency: 2 },
    );
    this.worker = new Batcher<Scheduled, void>(
      async (items) => {
        const answering = items.filter((i) => i.readOnly);
        const read = answering.flatMap((i) => (i.read ? [i.read] : []));
        const unread = answering.filter((i) => !i.read).map((i) => i.id);
        const rest = items.filter((i) => !i.readOnly).map((i) => i.id);
        await this.processMany([...(await this.answerMany(unread, read)), ...rest]);
        return items.map(() => undefined);
      },
      { max: 200, concurrency: 2 },
    );
  }

  /**
   * Step 1: records the text (card numbers masked, unstorable characters replaced) and commits.
   * Only after this may a transport acknowledge. A repeat of (channel, provider id) is a duplicate.
   * `db` may be the caller's transaction (the last part of a long text completes its set with it).
   */
  async accept(sms: InboundSms, db: Db = this.deps.db): Promise<Accepted> {
    const [accepted] = await recordTexts(db, [sms], this.deps.config.defaultRegion, this.deps.clock());
    return accepted;
  }

  /**
   * Step 1 for a transport under load: texts arriving together are committed in one statement,
   * which also reads each as its batch will (for `schedule`).
   */
  record(sms: InboundSms): Promise<Accepted> {
    return this.recorder.push(sms);
  }

  /**
   * Steps 2–5 soon, in a batch with other recorded texts; errors are logged (the sweep retries).
   * A text that names a read-only command is answered without a transaction.
   */
  schedule(accepted: Accepted): void {
    const { id, text, read } = accepted;
    this.worker.push({ id, readOnly: this.handler.answersOnly(text), read }).catch((err) => this.deps.log.error({ err, inboundId: id }, 'inbound processing failed'));
  }

  /** Accepts and processes one text; a duplicate is not processed again. */
  async receive(sms: InboundSms): Promise<Accepted> {
    const accepted = await this.accept(sms);
    if (!accepted.duplicate) await this.process(accepted.id);
    return accepted;
  }

  /**
   * Steps 2–5 for one recorded text, in one transaction: the handler's writes, its replies in the
   * outbox and the message's `processed` mark commit together. Safe to call twice.
   */
  async process(id: number): Promise<void> {
    await this.processMany([id]);
  }

  /** Processes texts recorded but never processed (a crash between accept and process). */
  async recoverPending(olderThanMs = 30_000): Promise<number> {
    const cutoff = new Date(this.deps.clock().getTime() - olderThanMs);
    const rows = await this.deps.db
      .selectFrom('inbound_messages')
      .select('id')
      .where('status', '=', 'received')
      .where('received_at', '<', cutoff)
      .orderBy('id')
      .limit(500)
      .execute();
    await this.processMany(rows.map((r) => r.id));
    return rows.length;
  }

  /**
   * Answers texts naming read-only commands without a transaction: `ids` read in one statement,
   * `read` as recording read them. Returns those left for a transaction.
   */
  private async answerMany(ids: number[], read: BatchText[]): Promise<number[]> {
    if (ids.length === 0 && read.length === 0) return [];
    this.deps.onInteractive?.();
    try {
      const handled = await this.handler.answer(this.deps.db, ids, read);
      this.deliver(handled);
      return handled.deferred;
    } catch (err) {
      this.deps.log.warn({ err }, 'answering without a transaction failed; handling in one');
      return [...ids, ...read.map((t) => t.id)];
    }
  }

  /** Wakes the dispatcher for replies queued for a claim, hands it those queued claimed. */
  private deliver(handled: Handled): void {
    if (handled.queued) this.deps.onQueued?.();
    if (handled.claimed.length > 0) this.deps.handOff?.send(handled.claimed);
  }

  /** Handles texts in one transaction; a failing command sends its batch through one by one. */
  private async processMany(ids: number[]): Promise<void> {
    const { db, log } = this.deps;
    if (ids.length === 0) return;
    this.deps.onInteractive?.();
    let left = ids;
    while (left.length > 0) {
      try {
        const handled = await db.transaction().execute((trx) => this.handler.handle(trx, left));
        this.deliver(handled);
        left = handled.deferred;
      } catch (err) {
        if (left.length > 1) {
          for (const id of left) await this.processMany([id]);
          break;
        }
        log.error({ err, inboundId: left[0] }, 'command failed');
        await db.transaction().execute((trx) => this.handler.fail(trx, left[0], err));
        this.deps.onQueued?.();
        break;
      }
    }
  }
}
