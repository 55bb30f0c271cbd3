import type { Kysely } from 'kysely';
import type { AppConfig } from '../../config';
import type { Database } from '../../db/schema';
import { customerById } from '../../domain/accounts';
import { cardRequestBackoffMs, claimCardRequests, failCardRequest, markWaiting, type CardRequest } from '../../domain/card-requests';
import { cardById } from '../../domain/checks';
import { applyLocally } from '../../domain/services/local-card-system';
import type { Clock } from '../../shared/clock';
import type { Logger } from '../../shared/log';
import type { Notifier } from '../messaging/notifier';
import { sendToCardSystem } from './card-system';
import { settleAndTell } from './outcome';

/** How long a claimed request is leased to the process sending it. */
const LEASE_MS = 60_000;

/**
 * Sends recorded card-system requests (`card_requests`): to CARD_SYSTEM_URL, signed, retried with
 * backoff up to CARD_SYSTEM_MAX_ATTEMPTS; without it, applied by the built-in card system in the
 * transaction that tells the customer. Each answer is texted to the customer as it comes.
 */
export class CardRequestWorker {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<number> | null = null;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly notifier: Notifier,
    private readonly config: AppConfig,
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly kick: () => void,
  ) {}

  /** Polls every second until `stop`. */
  start(): void {
    this.timer ??= setInterval(() => this.poke(), 1_000);
  }

  /** Stops polling and waits for a round in hand. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }

  /** Runs a round now unless one is running. */
  poke(): void {
    this.running ??= this.runOnce()
      .catch((err: unknown) => {
        this.log.warn({ error: (err as Error).message }, 'card requests: round failed');
        return 0;
      })
      .finally(() => (this.running = null));
  }

  /** Claims the due requests and sends each once; returns how many were handled. */
  async runOnce(): Promise<number> {
    const now = this.clock();
    const claimed = await claimCardRequests(this.db, now, 20, LEASE_MS);
    for (const r of claimed) await this.one(r);
    if (claimed.length > 0) this.kick();
    return claimed.length;
  }

  private async one(r: CardRequest): Promise<void> {
    const now = this.clock();
    if (!this.config.cardSystemUrl) {
      await this.db.transaction().execute(async (trx) => settleAndTell(trx, this.notifier, r, await applyLocally(trx, r, now), now));
      return;
    }
    const customer = await customerById(this.db, r.customer_id);
    const card = r.card_id ? await cardById(this.db, r.card_id) : null;
    const sent = await sendToCardSystem(this.config, r, customer, card, now);
    if (sent.kind === 'answered') {
      await this.db.transaction().execute((trx) => settleAndTell(trx, this.notifier, r, sent.outcome, now));
    } else if (sent.kind === 'accepted') {
      await markWaiting(this.db, r.id);
    } else {
      const last = sent.kind === 'refused' || r.attempts >= this.config.cardSystemMaxAttempts;
      this.log.warn({ request: r.idempotency_key, attempt: r.attempts, error: sent.error, final: last }, 'card system request not taken');
      await this.db.transaction().execute(async (trx) => {
        await failCardRequest(trx, r.id, sent.error, last ? null : new Date(now.getTime() + cardRequestBackoffMs(r.attempts)));
        if (last) await settleAndTell(trx, this.notifier, r, { status: 'failed', error: sent.error }, now);
      });
    }
  }
}
