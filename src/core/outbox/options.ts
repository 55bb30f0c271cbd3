import { MARKETING_PRIORITY } from './outbox';
import type { QuietHours } from './policy';
import type { RateLimit } from './throttle';

/** Delivery engine settings. */
export interface DispatcherOptions {
  /** Rows claimed per batch in the urgent lane (security, transactional, service). */
  batch: number;
  /** Rows claimed per batch in the bulk lane (marketing). */
  bulkBatch: number;
  /** Loops claiming for the bulk lane at once (SKIP LOCKED keeps them apart). */
  bulkWorkers: number;
  /** Loops claiming for the urgent lane: a reply need not wait for the batch ahead of it to be answered. */
  urgentWorkers: number;
  /** After interactive traffic (an inbound text), how long the bulk lane claims with one worker and smaller batches. */
  yieldMs: number;
  /** Rows the bulk lane claims per batch while yielding to interactive traffic. */
  yieldBatch: number;
  leaseMs: number;
  pollMs: number;
  maxAttempts: number;
  /** First retry delay; doubles each attempt, with jitter. */
  backoffMs: number;
  maxBackoffMs: number;
  quietHours: QuietHours;
  marketingWeeklyCap: number;
  /** Transactional and service messages one number may get in a minute from this process. */
  destinationMaxPerMinute: number;
  /** Per-transport rates; a transport without one is not throttled. */
  limits: Readonly<Record<string, RateLimit>>;
  /** How long a transport that answered "unavailable" is skipped by routing. */
  downCooldownMs: number;
  /**
   * How long accepted sends wait for others to be marked `sent` with them in one statement. A crash
   * within it leaves them `unknown` (handed over, outcome not recorded), as a crash mid-send does.
   */
  settleDelayMs: number;
  /**
   * Replies handed over as they commit (see Outbox.insert) that may be in this process's hands at
   * once. Beyond it `lease` says no, so replies are queued for the claim lanes, which hold at most
   * `urgentWorkers` × `batch` rows: when sending falls behind, the backlog waits in the outbox table,
   * not in memory (bench:soak, docs/benchmarks.md).
   */
  handOffMax: number;
}

/** Defaults matching the documented configuration. */
export const DISPATCHER_DEFAULTS: DispatcherOptions = {
  batch: 200,
  bulkBatch: 1000,
  bulkWorkers: 2,
  urgentWorkers: 2,
  yieldMs: 250,
  yieldBatch: 500,
  leaseMs: 60_000,
  pollMs: 250,
  maxAttempts: 6,
  backoffMs: 2_000,
  maxBackoffMs: 600_000,
  quietHours: { start: '21:00', end: '08:00' },
  marketingWeeklyCap: 2,
  destinationMaxPerMinute: 20,
  limits: {},
  downCooldownMs: 30_000,
  settleDelayMs: 20,
  handOffMax: 1000,
};

/** Delay before retry number `attempt` (1-based): exponential, capped, with jitter in its upper half. */
export function backoffDelay(attempt: number, opts: Pick<DispatcherOptions, 'backoffMs' | 'maxBackoffMs'>, random = Math.random): number {
  const ceiling = Math.min(opts.maxBackoffMs, opts.backoffMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

/** A claiming lane: the priority range its workers claim. */
export interface Lane {
  name: 'urgent' | 'bulk';
  min: number;
  max: number;
}

/** The two lanes: urgent (security, transactional, service) and bulk (marketing) claim independently. */
export const LANES: readonly Lane[] = [
  { name: 'urgent', min: 0, max: MARKETING_PRIORITY - 1 },
  { name: 'bulk', min: MARKETING_PRIORITY, max: 32767 },
];
