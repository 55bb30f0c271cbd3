import client from 'prom-client';

/**
 * The gateway's Prometheus metrics (prom-client), kept up as things happen so a scrape costs no
 * query beyond the few cached gauges. One registry per process; docs/operations.md lists each
 * metric with the alert it supports.
 */
export const registry = new client.Registry();
client.collectDefaultMetrics({ register: registry, prefix: 'uplink_' });

/** Texts handled, by channel and command (or `rate_limited`, `failed`). */
export const inboundTotal = new client.Counter({
  name: 'uplink_inbound_total',
  help: 'Inbound texts handled',
  labelNames: ['channel', 'command'],
  registers: [registry],
});

/** Outbound messages reaching a status: sent, delivered, undelivered, failed, expired, blocked, unknown. */
export const outboundTotal = new client.Counter({
  name: 'uplink_outbound_total',
  help: 'Outbound messages by channel, class and the status they reached',
  labelNames: ['channel', 'class', 'status'],
  registers: [registry],
});

/** From a text's arrival to its reply accepted by the operator. */
export const replyLatency = new client.Histogram({
  name: 'uplink_reply_latency_seconds',
  help: 'Seconds from an inbound text received to its reply accepted by the operator',
  buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
  registers: [registry],
});

/** From a message accepted by the operator to its delivery receipt. */
export const deliveryLatency = new client.Histogram({
  name: 'uplink_delivery_latency_seconds',
  help: 'Seconds from a message accepted by the operator to its delivery receipt',
  buckets: [1, 2, 5, 10, 30, 60, 120, 300, 900, 3600],
  registers: [registry],
});

/** SMPP binds up and down, by state (`bound`, `unbound`). */
export const smppBinds = new client.Gauge({ name: 'uplink_smpp_binds', help: 'SMPP binds by state', labelNames: ['state'], registers: [registry] });

/** submit_sm awaiting their response, over every session. */
export const smppWindowInUse = new client.Gauge({ name: 'uplink_smpp_window_in_use', help: 'SMPP submits awaiting their response', registers: [registry] });

/** A provider said "slow down" (the route's rate was halved). */
export const throttleEvents = new client.Counter({
  name: 'uplink_throttle_events_total',
  help: 'Throttled answers that slowed a route',
  labelNames: ['transport'],
  registers: [registry],
});

/** Scheduled job runs, by job and outcome (`ok`, `failed`). */
export const jobRuns = new client.Counter({
  name: 'uplink_job_runs_total',
  help: 'Scheduled job runs by outcome',
  labelNames: ['job', 'outcome'],
  registers: [registry],
});

/** Webhook requests refused, by reason (`signature`, `invalid`, `unavailable`). */
export const webhookRejected = new client.Counter({
  name: 'uplink_webhook_rejected_total',
  help: 'Webhook requests refused',
  labelNames: ['reason'],
  registers: [registry],
});

/** Seconds since `at` (for latency histograms). */
export const secondsSince = (at: Date, now = Date.now()): number => Math.max(0, (now - at.getTime()) / 1000);

/** Queued messages per class now, and how long the oldest has waited; read by the gauges below. */
export type QueueDepth = { class: string; depth: number; oldestSeconds: number };
let queueSource: (() => Promise<QueueDepth[]>) | null = null;
let queueCache: { at: number; rows: QueueDepth[] } = { at: 0, rows: [] };

/** Says where the queue gauges read from (an indexed query of the outbox); read at most every 5 s. */
export function watchQueue(source: () => Promise<QueueDepth[]>): void {
  queueSource = source;
  queueCache = { at: 0, rows: [] };
}

async function queueNow(): Promise<QueueDepth[]> {
  if (queueSource && Date.now() - queueCache.at > 5_000) queueCache = { at: Date.now(), rows: await queueSource().catch(() => queueCache.rows) };
  return queueCache.rows;
}

/** Queued messages by class (security, transactional, service, marketing). */
export const queueDepth = new client.Gauge({
  name: 'uplink_queue_depth',
  help: 'Outbound messages queued, by class',
  labelNames: ['class'],
  registers: [registry],
  async collect() {
    this.reset();
    for (const q of await queueNow()) this.set({ class: q.class }, q.depth);
  },
});

/** Seconds the oldest due message of each class has waited. */
export const oldestQueued = new client.Gauge({
  name: 'uplink_oldest_queued_seconds',
  help: 'Seconds the oldest due queued message has waited, by class',
  labelNames: ['class'],
  registers: [registry],
  async collect() {
    this.reset();
    for (const q of await queueNow()) this.set({ class: q.class }, q.oldestSeconds);
  },
});
