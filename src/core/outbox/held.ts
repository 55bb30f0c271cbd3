import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema';
import type { Clock } from '../../shared/clock';
import type { Logger } from '../../shared/log';
import { extendLeases } from './recover';

/**
 * The rows this process has handed to transports and not yet settled. Their lease is renewed while
 * they are held (a message may wait long in a slow throttle), so no lease sweep — of this process
 * or another — takes one for abandoned and marks it `unknown` while it is still being sent.
 */
export class HeldRows {
  private readonly ids = new Set<number>();
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
      this.log.warn({ err: (err as Error).message }, 'extending leases failed');
    }
  }
}
