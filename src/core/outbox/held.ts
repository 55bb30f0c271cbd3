import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema';
import type { Clock } from '../../shared/clock';
import type { Logger } from '../../shared/log';
import { isDatabaseUnavailable } from '../../db/errors';
import { extendLeases } from './recover';
import { requeueMany } from './settle';

/**
 * The rows this process has handed to transports and not yet settled. Their lease is renewed while
 * they are held (a message may wait long in a slow throttle), so no lease sweep — of this process
 * or another — takes one for abandoned and marks it `unknown` while it is still being sent. Rows a
 * database outage cut off before they were handed over are kept too, and go back to the queue as
 * soon as the database answers, not when their lease runs out.
 */
export class HeldRows {
  // Bounded by the rows in hand: the dispatcher's lanes' batches and its hand-off limit (handOffMax).
  private readonly ids = new Set<number>();
  private readonly stranded: number[] = [];
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly leaseMs: number,
  ) {}

  /** Renews the leases every third of a lease from now on. */
  start(): void {
    this.timer ??= setInterval(() => void this.renew(), this.leaseMs / 3);
    this.timer.unref();
  }

  /** Stops renewing. */
  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** Holds rows while `work` runs (their sends and settlement), then lets them go. */
  async during<T>(ids: readonly number[], work: () => Promise<T>): Promise<T> {
    for (const id of ids) this.ids.add(id);
    try {
      return await work();
    } finally {
      for (const id of ids) this.ids.delete(id);
    }
  }

  /** Extends the lease of every row held now. */
  async renew(): Promise<void> {
    try {
      await extendLeases(this.db, [...this.ids], new Date(this.clock().getTime() + this.leaseMs));
    } catch (err) {
      this.log.warn({ error: (err as Error).message }, 'extending leases failed');
    }
  }

  /** Keeps rows whose processing failed because the database went away (before any was handed over); any other error is thrown on. */
  strand(rows: readonly { id: number }[], err: unknown): void {
    if (!isDatabaseUnavailable(err)) throw err;
    this.stranded.push(...rows.map((r) => r.id));
  }

  /** Puts the stranded rows back in the queue (those still `sending`; the attempt is given back). */
  async requeueStranded(): Promise<void> {
    if (this.stranded.length === 0) return;
    const ids = this.stranded.splice(0);
    const notBefore = this.clock();
    await requeueMany(
      this.db,
      ids.map((id) => ({ id, notBefore, reason: 'database unavailable before sending', refund: true })),
    ).catch((err) => {
      this.stranded.push(...ids);
      throw err;
    });
  }
}
