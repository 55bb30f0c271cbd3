/**
 * Sends per destination in a sliding minute, kept in this process's memory: a handset-flood guard
 * that costs no query and no index on the hot path. With several instances each keeps its own
 * count, so the effective cap is at most the configured one times the number of instances.
 */
export class DestinationWindow {
  // Bounded by age: a number is forgotten a minute after its last send (swept every second), so it
  // holds at most the numbers sent to in the last minute (60,000 at 1,000 replies/s, about 9 MB).
  // No size bound: forgetting a number early would let it be sent more than its share.
  private readonly sends = new Map<string, number[]>();
  private lastSweep = 0;

  constructor(private readonly maxPerMinute: number) {}

  /** Counts a send to `to` at `now` (ms) unless the number already had its share this minute. */
  tryTake(to: string, now: number): boolean {
    this.sweep(now);
    const recent = (this.sends.get(to) ?? []).filter((t) => t > now - 60_000);
    if (recent.length >= this.maxPerMinute) {
      this.sends.set(to, recent);
      return false;
    }
    recent.push(now);
    this.sends.set(to, recent);
    return true;
  }

  /** Forgets numbers with no send in the last minute, at most once a second. */
  private sweep(now: number): void {
    if (now - this.lastSweep < 1000) return;
    this.lastSweep = now;
    for (const [to, times] of this.sends) if (times[times.length - 1] <= now - 60_000) this.sends.delete(to);
  }
}
