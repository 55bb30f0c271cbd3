// npm run bench:outbox — the delivery engine's throughput, reply latency under a marketing backlog,
// and peak memory. Targets (issue "Outbound delivery engine"): ≥ 10,000 messages/s claimed and sent
// through a no-op transport for 100k queued; p99 reply latency of BAL < 100 ms while a 100k
// marketing backlog drains; peak RSS < 300 MB.
import { readFileSync } from 'node:fs';
import { sql } from 'kysely';
import { loadConfig } from '../src/config';
import { systemClock } from '../src/shared/clock';
import { importDocument, parseImport } from '../src/domain/import/import';
import { DEMO_FILE } from '../src/boot';
import { Gateway } from '../src/gateway';
import { createLogger } from '../src/shared/log';
import type { OutboundSms, SendResult, SmsTransport } from '../src/transport/types';
import { benchDatabase, machine, percentile } from './db';

const N = Number(process.env.BENCH_MESSAGES ?? 100_000);

/** A transport that takes everything at once and tells waiters when a given message left. */
class NoopTransport implements SmsTransport {
  readonly name = 'noop';
  sent = 0;
  /** When each non-marketing message (the replies) was sent, and who waits for one. */
  private readonly sentAt = new Map<number, number>();
  private readonly waiters = new Map<number, (at: number) => void>();
  async send(msg: OutboundSms): Promise<SendResult> {
    this.sent++;
    if (msg.class !== 'marketing') {
      const at = performance.now();
      this.sentAt.set(msg.id, at);
      this.waiters.get(msg.id)?.(at);
    }
    return { providerId: `n${msg.id}` };
  }
  /** Resolves with the moment a (non-marketing) message was handed to this transport. */
  sentMoment(id: number): Promise<number> {
    const at = this.sentAt.get(id);
    return at !== undefined ? Promise.resolve(at) : new Promise((resolve) => this.waiters.set(id, resolve));
  }
}

let peakRss = 0;
const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 20);

async function queueCampaign(db: Awaited<ReturnType<typeof benchDatabase>>['db'], n: number, tag: string) {
  await sql`
    INSERT INTO outbound_messages (to_number, customer_id, template, class, priority, body, locale, encoding, segments)
    SELECT c.mobile, c.id, 'campaign', 'marketing', 32, ${`${tag}: year-end double points. 回复TD退订`}, 'zh-CN', 'UCS-2', 1
      FROM customers c WHERE c.external_id LIKE 'B-%' ORDER BY c.id LIMIT ${n}`.execute(db);
}

async function main() {
  const bench = await benchDatabase();
  const { db } = bench;
  const config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    CARD_HASH_SECRET: 'bench-secret-0123456789abcdef0123456789',
    ROUTES: JSON.stringify([{ via: ['noop'] }]),
    // Policies stay on (consent, opt-out, caps are evaluated per message); quiet hours are set to an
    // empty window so the run does not depend on the hour it is started at.
    QUIET_HOURS_START: '00:00',
    QUIET_HOURS_END: '00:00',
    MARKETING_WEEKLY_CAP: '10',
    // Every BAL comes from one demo number, 50 a second: the per-number limits (10 texts a minute in,
    // 20 replies a minute out) would answer "slow down" and defer the replies by a minute.
    RATE_LIMIT_PER_MINUTE: '100000',
    REPLIES_PER_NUMBER_PER_DAY: '1000000', // and the daily reply budget (50) would stop them
    DESTINATION_MAX_PER_MINUTE: '100000',
  });
  await importDocument(db, parseImport(readFileSync(DEMO_FILE, 'utf8'), 'CN'), config.cardHashSecret!);
  await sql`
    INSERT INTO customers (external_id, name, mobile, locale, time_zone, tier, marketing_consent)
    SELECT 'B-' || g, 'Bench ' || g, '+861' || (3000000000 + g)::text, 'zh-CN', 'Asia/Shanghai', 'standard', true
      FROM generate_series(1, ${N}) g`.execute(db);

  const transport = new NoopTransport();
  const dispatcher = {
    ...(process.env.BENCH_BULK_BATCH ? { bulkBatch: Number(process.env.BENCH_BULK_BATCH) } : {}),
    ...(process.env.BENCH_BULK_WORKERS ? { bulkWorkers: Number(process.env.BENCH_BULK_WORKERS) } : {}),
  };
  const gateway = new Gateway({ config, db, log: createLogger('silent'), transports: [transport], clock: systemClock, dispatcher });

  // 1. Throughput: N marketing messages claimed, checked against policy, sent, settled.
  await queueCampaign(db, N, 'A');
  let t0 = performance.now();
  gateway.dispatcher.start();
  while (transport.sent < N) await new Promise((r) => setTimeout(r, 10));
  const drainMs = performance.now() - t0;
  await gateway.dispatcher.stop();
  const left = await db
    .selectFrom('outbound_messages')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('status', '!=', 'sent')
    .executeTakeFirstOrThrow();

  // 2. Reply latency: BAL texts arrive every 20 ms while a second 100k backlog drains.
  await db
    .updateTable('outbound_messages')
    .set({ sent_at: new Date(Date.now() - 8 * 24 * 3600_000) })
    .execute();
  await queueCampaign(db, N, 'B');
  transport.sent = 0;
  gateway.dispatcher.start();
  const latencies: number[] = [];
  const processed: number[] = [];
  let i = 0;
  while (transport.sent < N) {
    t0 = performance.now();
    const { id, handled } = await gateway.pipeline.ingest({ channel: 'noop', providerId: `bal-${i++}`, from: '13800138000', to: 'UPLINK', text: 'BAL' });
    await handled;
    processed.push(performance.now() - t0);
    const reply = await db.selectFrom('outbound_messages').select('id').where('inbound_id', '=', id).executeTakeFirstOrThrow();
    const sentAt = await transport.sentMoment(reply.id);
    latencies.push(sentAt - t0);
    await new Promise((r) => setTimeout(r, 20));
  }
  await gateway.dispatcher.stop();
  clearInterval(sampler);
  latencies.sort((a, b) => a - b);

  const rate = N / (drainMs / 1000);
  console.log(`machine: ${machine()}; database: ${bench.where}`);
  console.log(
    `throughput: ${N} marketing messages claimed, policy-checked and sent in ${(drainMs / 1000).toFixed(2)} s = ${Math.round(rate)} messages/s (target ≥ 10000); not sent: ${left.n}`,
  );
  console.log(
    `reply latency (BAL in → reply handed to transport) during a ${N} backlog drain: n=${latencies.length} p50=${percentile(latencies, 50).toFixed(1)} ms p99=${percentile(latencies, 99).toFixed(1)} ms max=${latencies.at(-1)!.toFixed(1)} ms (target p99 < 100 ms)`,
  );
  processed.sort((a, b) => a - b);
  console.log(
    `  of which inbound (record, run BAL, queue the reply): p50=${percentile(processed, 50).toFixed(1)} ms p99=${percentile(processed, 99).toFixed(1)} ms`,
  );
  console.log(`peak RSS: ${(peakRss / 2 ** 20).toFixed(0)} MB (target < 300 MB)`);
  await bench.close();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
