/**
 * How many texts from unknown numbers are answered per minute, all numbers together: SMS pumping
 * sends from many fresh numbers, each under its own rate limit, so only a global budget stops it.
 * Kept in memory (no query per text): a sliding minute of the last `perMinute` answers' times, so
 * each gateway process has its own budget.
 */
export class SlidingMinuteBudget {
  private readonly times: number[];
  private next = 0;
  private warnedAt = Number.NEGATIVE_INFINITY;

  constructor(readonly perMinute: number) {
    this.times = new Array<number>(perMinute).fill(Number.NEGATIVE_INFINITY);
  }

  /** Takes one answer at `now`; false when `perMinute` were taken in the minute before it. */
  take(now: Date): boolean {
    const t = now.getTime();
    if (this.times[this.next] > t - 60_000) return false;
    this.times[this.next] = t;
    this.next = (this.next + 1) % this.times.length;
    return true;
  }

  /** True at most once a minute: a refusal is logged without a line per text. */
  warnNow(now: Date): boolean {
    if (now.getTime() - this.warnedAt < 60_000) return false;
    this.warnedAt = now.getTime();
    return true;
  }
}
