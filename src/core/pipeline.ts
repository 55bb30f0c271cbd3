import { type Kysely, sql } from 'kysely';
import type { AppConfig } from '../config';
import { columns } from '../db/columns';
import type { Database, Db } from '../db/schema';
import { maskCardNumbers } from '../domain/pan';
import { senderAddress } from '../domain/phone';
import type { Logger } from '../log';
import { Batcher } from './batcher';
import type { Clock } from './clock';
import type { Command } from './commands/command';
import { TextHandler } from './handle';
import { sanitizeText } from './normalize';
import type { HandOff, Outbox } from './outbox/outbox';
import type { Notifier } from './notifier';

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
  /** Takes replies as their transaction commits, claimed in it (see Outbox.enqueueClaimed). */
  handOff?: HandOff;
  /** Called when a text starts being handled (bulk sending gives way). */
  onInteractive?: () => void;
}

/** Whether a text was recorded now or had been already (same channel and provider id). */
export type Accepted = { id: number; duplicate: boolean };

/**
 * The inbound pipeline: persist, dedupe, then identify, parse, run the command and queue replies.
 * Texts arriving together are recorded in one statement and handled in batches (see TextHandler).
 */
export class InboundPipeline {
  private readonly handler: TextHandler;
  private readonly recorder: Batcher<InboundSms, Accepted>;
  private readonly worker: Batcher<{ id: number; answersOnly: boolean }, void>;

  constructor(private readonly deps: PipelineDeps) {
    this.handler = new TextHandler(deps);
    this.recorder = new Batcher((items) => this.acceptMany(items), { max: 500, concurrency: 2 });
    this.worker = new Batcher<{ id: number; answersOnly: boolean }, void>(
      async (items) => {
        const quick = items.filter((i) => i.answersOnly).map((i) => i.id);
        const rest = items.filter((i) => !i.answersOnly).map((i) => i.id);
        await this.processMany([...(await this.answerMany(quick)), ...rest]);
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
    const [accepted] = await this.acceptMany([sms], db);
    return accepted;
  }

  /** Step 1 for a transport under load: texts arriving together are committed in one statement. */
  record(sms: InboundSms): Promise<Accepted> {
    return this.recorder.push(sms);
  }

  /**
   * Steps 2–5 soon, in a batch with other recorded texts; errors are logged (the sweep retries).
   * Given the text, one naming a read-only command is answered without a transaction (a hint: the
   * stored text is checked again).
   */
  schedule(id: number, text?: string): void {
    const answersOnly = text !== undefined && this.handler.answersOnly(text);
    this.worker.push({ id, answersOnly }).catch((err) => this.deps.log.error({ err, inboundId: id }, 'inbound processing failed'));
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

  private async acceptMany(items: InboundSms[], db: Db = this.deps.db): Promise<Accepted[]> {
    const { config, clock } = this.deps;
    const rows = items.map((sms) => ({
      channel: sms.channel,
      provider_id: sms.providerId,
      from_number: senderAddress(sanitizeText(sms.from), config.defaultRegion),
      to_number: sanitizeText(sms.to),
      text: maskCardNumbers(sanitizeText(sms.text)),
      received_at: sms.receivedAt ?? clock(),
    }));
    const key = (channel: string, providerId: string) => `${channel}\u0000${providerId}`;
    const col = columns(rows);
    const { rows: inserted } = await sql<{ id: number; channel: string; provider_id: string }>`
      INSERT INTO inbound_messages (channel, provider_id, from_number, to_number, text, received_at)
      SELECT * FROM unnest(${col('channel')}::text[], ${col('provider_id')}::text[], ${col('from_number')}::text[],
                           ${col('to_number')}::text[], ${col('text')}::text[], ${col('received_at')}::timestamptz[])
      ON CONFLICT (channel, provider_id) DO NOTHING
      RETURNING id, channel, provider_id`.execute(db);
    const fresh = new Map(inserted.map((r) => [key(r.channel, r.provider_id), r.id]));
    const missing = rows.filter((r) => !fresh.has(key(r.channel, r.provider_id)));
    const existing = new Map<string, number>();
    if (missing.length > 0) {
      const { rows: found } = await sql<{ id: number; channel: string; provider_id: string }>`
        SELECT id, channel, provider_id FROM inbound_messages
         WHERE (channel, provider_id) IN (SELECT * FROM unnest(${missing.map((r) => r.channel)}::text[], ${missing.map((r) => r.provider_id)}::text[]))`.execute(db);
      for (const r of found) existing.set(key(r.channel, r.provider_id), r.id);
    }
    // A provider id twice in one batch: the first is the new text, the second its duplicate.
    return rows.map((r) => {
      const k = key(r.channel, r.provider_id);
      const id = fresh.get(k);
      if (id !== undefined) {
        fresh.delete(k);
        existing.set(k, id);
        return { id, duplicate: false };
      }
      return { id: existing.get(k)!, duplicate: true };
    });
  }

  /** Answers texts naming read-only commands without a transaction; returns those left for one. */
  private async answerMany(ids: number[]): Promise<number[]> {
    if (ids.length === 0) return [];
    this.deps.onInteractive?.();
    try {
      const handled = await this.handler.answer(this.deps.db, ids);
      if (handled.queued) this.deps.onQueued?.();
      if (handled.claimed.length > 0) this.deps.handOff?.send(handled.claimed);
      return handled.deferred;
    } catch (err) {
      this.deps.log.warn({ err }, 'answering without a transaction failed; handling in one');
      return ids;
    }
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
        if (handled.queued) this.deps.onQueued?.();
        if (handled.claimed.length > 0) this.deps.handOff?.send(handled.claimed);
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
