import type { Kysely } from 'kysely';
import type { AppConfig } from '../../config';
import type { Database } from '../../db/schema';
import type { Clock } from '../../shared/clock';
import type { Logger } from '../../shared/log';
import type { InboundText } from '../../transport/types';
import { Batcher } from '../batcher';
import type { Command } from '../commands/command';
import type { Notifier } from '../messaging/notifier';
import type { HandOff, Outbox } from '../outbox/outbox';
import type { BatchText } from './batch';
import { type Handled, TextHandler } from './handler';
import { type Accepted, recordTexts } from './record';

/**
 * A recorded text waiting for a worker: `readOnly` when it names a read-only command (answered
 * without a transaction, from `read` when recording read it).
 */
type Scheduled = { id: number; readOnly: boolean; read?: BatchText };

/**
 * Batches of at most this many texts are read as they are recorded (one statement fewer per text
 * when texts come one or two at a time); larger ones are recorded alone and read by the worker, so
 * the deliver_sm_resp of a burst waits for the INSERT only (an SMSC's window of unanswered texts
 * caps the rate at window / wait; see docs/benchmarks.md).
 */
export const READ_WHILE_RECORDING_MAX = 8;

/** A text taken in: committed (or found a duplicate), and the promise of its handling. */
export type Ingested = Accepted & {
  /** Settles once the text has been handled (its replies committed); never rejects (failures are logged). */
  handled: Promise<void>;
};

/** What the pipeline needs from the rest of the gateway. */
export interface PipelineDeps {
  db: Kysely<Database>;
  config: AppConfig;
  notifier: Notifier;
  outbox: Outbox;
  commands: readonly Command[];
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
 * `ingest` is the one door every text comes in by (SMPP, Twilio, the dev channel, reassembly,
 * tests): texts arriving together are recorded in one statement and handled in batches.
 */
export class InboundPipeline {
  private readonly handler: TextHandler;
  private readonly recorder: Batcher<InboundText, Accepted>;
  private readonly worker: Batcher<Scheduled, void>;

  constructor(private readonly deps: PipelineDeps) {
    this.handler = new TextHandler(deps);
    this.recorder = new Batcher(
      (items) =>
        recordTexts(deps.db, items, deps.config.defaultRegion, deps.clock(), items.length <= READ_WHILE_RECORDING_MAX ? this.handler.windows() : undefined),
      { max: 500, concurrency: 2 },
    );
    this.worker = new Batcher<Scheduled, void>(
      async (items) => {
        const answering = items.filter((i) => i.readOnly);
        const read = answering.flatMap((i) => (i.read ? [i.read] : []));
        const unread = answering.filter((i) => !i.read).map((i) => i.id);
        const rest = items.filter((i) => !i.readOnly).map((i) => i.id);
        await this.handleMany([...(await this.answerMany(unread, read)), ...rest]);
        return items.map(() => undefined);
      },
      { max: 200, concurrency: 2 },
    );
  }

  /**
   * Takes one text in. Resolves once it is committed (card numbers masked, unstorable characters
   * replaced) — only then may a transport acknowledge it — or found to be a repeat of (channel,
   * provider id), which is not handled again. Handling follows in a batch; `handled` says when.
   */
  async ingest(sms: InboundText): Promise<Ingested> {
    const accepted = await this.recorder.push(sms);
    if (accepted.duplicate) return { ...accepted, handled: Promise.resolve() };
    const { id, text, read } = accepted;
    this.deps.log.debug({ inboundId: id, channel: sms.channel, from: sms.from, text }, 'text received'); // as recorded: masked
    // A long text with parts missing is never read as a command (see TextHandler.one).
    const readOnly = !sms.incomplete && this.handler.answersOnly(text);
    const handled = this.worker.push({ id, readOnly, read }).catch((err) => this.deps.log.error({ err, inboundId: id }, 'inbound processing failed'));
    return { ...accepted, handled };
  }

  /** Resolves once every text taken in so far is recorded and handled (for a graceful stop). */
  async drain(): Promise<void> {
    await this.recorder.idle();
    await this.worker.idle();
  }

  /** Handles texts recorded but never handled (a crash in between); the recovery sweep calls it. */
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
    await this.handleMany(rows.map((r) => r.id));
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

  /**
   * Handles texts in one transaction: each text's writes, its replies in the outbox and its
   * `processed` mark commit together (safe to repeat). A failing command sends its batch through
   * one by one, and the text that fails is marked failed and answered with an apology.
   */
  private async handleMany(ids: number[]): Promise<void> {
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
          for (const id of left) await this.handleMany([id]);
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
