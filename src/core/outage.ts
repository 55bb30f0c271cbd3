import { isDatabaseUnavailable } from '../db/errors';
import type { Logger } from '../shared/log';

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * Watches a loop's database calls: while the database is away (see isDatabaseUnavailable) the loop
 * pauses with a growing wait instead of spinning, and the outage is logged once when it starts and
 * once when it ends, not on every attempt.
 */
export class DatabaseWatch {
  private failures = 0;

  constructor(
    private readonly log: Logger,
    private readonly what: string,
    private readonly maxWaitMs = 5_000,
  ) {}

  /** After a failure: how long to pause before trying again, or null when the error is not an outage. */
  failed(err: unknown): number | null {
    if (!isDatabaseUnavailable(err)) return null;
    if (this.failures === 0) this.log.warn({ error: (err as Error).message }, `database unavailable: ${this.what} paused`);
    this.failures++;
    return Math.min(this.maxWaitMs, 250 * 2 ** Math.min(this.failures - 1, 10));
  }

  /** After a success: ends an outage, if there was one. */
  ok(): void {
    if (this.failures === 0) return;
    this.log.info({ attempts: this.failures }, `database back: ${this.what} resumed`);
    this.failures = 0;
  }

  /**
   * Runs `write` until it succeeds, waiting out an outage for as long as `keepTrying()` says (an
   * error other than an outage is thrown at once): a send already made is recorded when the
   * database comes back, not forgotten.
   */
  async persist<T>(write: () => Promise<T>, keepTrying: () => boolean): Promise<T> {
    for (;;) {
      try {
        const done = await write();
        this.ok();
        return done;
      } catch (err) {
        const wait = this.failed(err);
        if (wait === null || !keepTrying()) throw err;
        await sleep(wait);
      }
    }
  }
}
