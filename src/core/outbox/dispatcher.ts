import type { Kysely } from 'kysely';
import type { Database, OutboundMessage } from '../../db/schema';
import type { Logger } from '../../log';
import { SendError, type SmsTransport } from '../../transport/types';
import type { Clock } from '../clock';
import { claimDue } from './claim';
import { markFinal, markSent, requeue, type SentResult } from './settle';

/** Dispatcher settings. */
export interface DispatcherOptions {
  batch: number;
  leaseMs: number;
  pollMs: number;
  maxAttempts: number;
  /** First retry delay; doubles each attempt, with full jitter. */
  backoffMs: number;
  maxBackoffMs: number;
}

const DEFAULTS: DispatcherOptions = { batch: 200, leaseMs: 60_000, pollMs: 250, maxAttempts: 6, backoffMs: 2_000, maxBackoffMs: 600_000 };

/** Delay before retry number `attempt` (1-based): exponential, capped, full jitter. */
export function backoffDelay(attempt: number, opts: Pick<DispatcherOptions, 'backoffMs' | 'maxBackoffMs'>, random = Math.random): number {
  const ceiling = Math.min(opts.maxBackoffMs, opts.backoffMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

/** Sends queued outbox rows through their transports: claim, send, settle, repeat. */
export class Dispatcher {
  private readonly opts: DispatcherOptions;
  private running = false;
  private loop: Promise<void> | null = null;
  private wake: (() => void) | null = null;
  private kicked = false;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly transports: ReadonlyMap<string, SmsTransport>,
    private readonly defaultChannel: string,
    private readonly clock: Clock,
    private readonly log: Logger,
    opts: Partial<DispatcherOptions> = {},
  ) {
    this.opts = { ...DEFAULTS, ...opts };
  }

  /** Starts the send loop. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  /** Stops after the batch in hand is settled. */
  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
  }

  /** Wakes the loop now (new messages were committed). */
  kick(): void {
    this.kicked = true;
    this.wake?.();
  }

  /** Claims and sends one batch; returns how many messages were claimed. */
  async runOnce(): Promise<number> {
    const claimed = await claimDue(this.db, { batch: this.opts.batch, leaseMs: this.opts.leaseMs, now: this.clock() });
    if (claimed.length === 0) return 0;
    const sent: SentResult[] = [];
    await Promise.all(claimed.map((row) => this.sendOne(row, sent)));
    await markSent(this.db, sent, this.clock());
    return claimed.length;
  }

  private async run(): Promise<void> {
    while (this.running) {
      let claimed = 0;
      try {
        claimed = await this.runOnce();
      } catch (err) {
        this.log.error({ err }, 'dispatch failed');
      }
      if (claimed > 0 || !this.running) continue;
      if (this.kicked) {
        this.kicked = false;
        continue;
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, this.opts.pollMs);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wake = null;
      this.kicked = false;
    }
  }

  private async sendOne(row: OutboundMessage, sent: SentResult[]): Promise<void> {
    const now = this.clock();
    if (row.expires_at && row.expires_at <= now) return markFinal(this.db, row.id, 'expired', 'validity passed before sending');
    const channel = row.channel ?? this.defaultChannel;
    const transport = this.transports.get(channel);
    if (!transport) return markFinal(this.db, row.id, 'failed', `no transport ${channel}`, channel);
    try {
      const result = await transport.send({ id: row.id, to: row.to_number, body: row.body, class: row.class, tier: null });
      sent.push({ id: row.id, channel, providerId: result.providerId });
    } catch (err) {
      await this.settleError(row, channel, err);
    }
  }

  private async settleError(row: OutboundMessage, channel: string, err: unknown): Promise<void> {
    const e = err instanceof SendError ? err : new SendError('unavailable', String(err));
    const reason = `${e.kind}${e.providerCode ? ` ${e.providerCode}` : ''}: ${e.message}`.slice(0, 500);
    this.log.warn({ id: row.id, channel, kind: e.kind, code: e.providerCode }, 'send failed');
    if (e.kind === 'unknown_outcome') return markFinal(this.db, row.id, 'unknown', reason, channel);
    if (!e.retryable || row.attempts >= this.opts.maxAttempts) return markFinal(this.db, row.id, 'failed', reason, channel);
    const delay = backoffDelay(row.attempts, this.opts);
    await requeue(this.db, row.id, new Date(this.clock().getTime() + delay), reason);
  }
}
