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

/**
 * Recorded texts that may wait in memory for a worker. When handling falls behind the arrivals
 * (a burst, a slow database), texts beyond it stay `received` in the table — committed, so nothing
 * is lost — and the pipeline reads them back, oldest first, as the worker catches up: the backlog
 * waits in PostgreSQL, and this process's memory stays flat (bench:soak, docs/benchmarks.md).
 */
export const WORKER_QUEUE_MAX = 2_000;

/** Texts read back per statement while catching up with texts left in the table. */
const CATCH_UP_BATCH = 200;

/** A text taken in: committed (or found a duplicate), and the promise of its handling. */
export type Ingested = Accepted & {
  /**
   * Settles once the text has been handled (its replies committed), or at once when it was left in
   * the table for the catch-up (WORKER_QUEUE_MAX); never rejects (failures are logged).
   */
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
  /** Texts that may wait in memory for a worker (default WORKER_QUEUE_MAX; tests lower it). */
  workerQueueMax?: number;
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
  /** The lowest id left in the table for the catch-up, while there are any; `spills` counts them. */
  private spilledFrom: number | null = null;
  private spills = 0;
  /** Texts left in the table for the catch-up so far (a full worker). */
  get leftInTable(): number {
    return this.spills;
  }
  private catchingUp = false;

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
        if (this.spilledFrom !== null) void this.catchUp();
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
    if (this.worker.waiting >= (this.deps.workerQueueMax ?? WORKER_QUEUE_MAX)) {
      this.spilledFrom = Math.min(this.spilledFrom ?? id, id);
      this.spills++;
      return { ...accepted, handled: Promise.resolve() };
    }
    // A long text with parts missing is never read as a command (see TextHandler.one).
    const readOnly = !sms.incomplete && this.handler.answersOnly(text);
    const handled = this.worker.push({ id, readOnly, read }).catch((err) => this.deps.log.error({ err, inboundId: id }, 'inbound processing failed'));
    return { ...accepted, handled };
  }

  /** Resolves once every text taken in so far is recorded and handled (for a graceful stop). */
  async drain(): Promise<void> {
    await this.recorder.idle();
    await this.worker.idle();
    while (this.catchingUp) await new Promise((r) => setTimeout(r, 10));
  }

  /**
   * Handles the texts left in the table while the worker was full, oldest first, a batch at a time
   * while the worker has room; one catch-up at a time. What it misses (it stops on an error; a text
   * left with an id below one already read) the recovery sweep handles within
   * seconds. Handling is safe to repeat: a text is answered only by whoever marks it out of `received`.
   */
  private async catchUp(): Promise<void> {
    if (this.catchingUp) return;
    this.catchingUp = true;
    try {
      let from = this.spilledFrom;
      while (from !== null && this.worker.waiting < (this.deps.workerQueueMax ?? WORKER_QUEUE_MAX) / 2) {
        const spills = this.spills;
        const rows = await this.deps.db
          .selectFrom('inbound_messages')
          .select('id')
          .where('status', '=', 'received')
          .where('id', '>=', from)
          .orderBy('id')
          .limit(CATCH_UP_BATCH)
          .execute();
        if (rows.length === 0) {
          if (spills !== this.spills) continue; // more were left while it read: read again
          this.spilledFrom = null;
          break;
        }
        const ids = rows.map((r) => r.id);
        await this.handleMany(await this.answerMany(ids, []));
        from = ids[ids.length - 1] + 1;
      }
    } catch (err) {
      this.deps.log.warn({ err }, 'catching up with texts left in the table failed; the recovery sweep takes them');
    } finally {
      this.catchingUp = false;
    }
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
