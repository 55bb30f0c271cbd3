/** A send rate: messages and SMS segments per second. */
export interface RateLimit {
  perSecond: number;
  segmentsPerSecond: number;
}

/** Waits `ms` of real time. */
const realSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * Per-transport throttle: two token buckets (messages, segments) refilled continuously. A
 * "throttled" answer from the provider halves the rate and pauses the route for a second; the rate
 * then climbs back by a tenth each second (AIMD). Time comes from `now` (the dispatcher's clock,
 * in ms), and `sleep` waits for it to pass; tests give both, so none waits on real time.
 */
export class Throttle {
  private messages: number;
  private segments: number;
  private factor = 1;
  private last: number;
  private pausedUntil = 0;
  private penalisedAt = 0;

  constructor(
    private readonly limit: RateLimit,
    private readonly now: () => number = () => performance.now(),
    private readonly sleep: (ms: number) => Promise<void> = realSleep,
  ) {
    this.last = now();
    this.messages = limit.perSecond;
    this.segments = limit.segmentsPerSecond;
  }

  /** The rate now in effect, as a fraction of the configured one. */
  get rateFactor(): number {
    return this.factor;
  }

  /** Waits until one message of `segments` parts may go. */
  async take(segments: number): Promise<void> {
    for (;;) {
      const now = this.now();
      this.refill(now);
      if (now >= this.pausedUntil && this.messages >= 1 && this.segments >= Math.min(segments, this.limit.segmentsPerSecond)) {
        this.messages -= 1;
        this.segments -= segments;
        return;
      }
      const rate = this.limit.perSecond * this.factor;
      await this.sleep(Math.max(1, now < this.pausedUntil ? this.pausedUntil - now : 1000 / rate));
    }
  }

  /**
   * The provider said "slow down": halve the rate and pause a second. Refusals of sends that were
   * already in flight when the first came (within that second) count as the same signal.
   */
  penalise(): void {
    const now = this.now();
    if (now < this.pausedUntil) return;
    this.factor = Math.max(0.05, this.factor / 2);
    this.pausedUntil = now + 1000;
    this.penalisedAt = now;
    this.messages = Math.min(this.messages, 0);
  }

  private refill(now: number): void {
    const dt = (now - this.last) / 1000;
    this.last = now;
    if (this.factor < 1 && now - this.penalisedAt > 1000) this.factor = Math.min(1, this.factor + 0.1 * dt);
    const burst = Math.max(1, this.limit.perSecond * this.factor);
    this.messages = Math.min(burst, this.messages + dt * this.limit.perSecond * this.factor);
    this.segments = Math.min(Math.max(1, this.limit.segmentsPerSecond * this.factor), this.segments + dt * this.limit.segmentsPerSecond * this.factor);
  }
}
