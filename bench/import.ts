import { cardKeyring } from '../src/domain/pan';
// npm run bench:import — a card system's nightly file and its live changes. Targets (issue "Keep
// accounts current"): 2,000,000 customers (a card and a statement each) from NDJSON into an empty
// database in < 120 s, and again as an update of every one of them in < 120 s, with peak RSS
// < 300 MB; then 10,000 changes a second through POST /api/accounts/changes with BAL p99 < 100 ms.
// BENCH_CUSTOMERS (default 2,000,000), BENCH_CHANGES_RATE (10,000/s), BENCH_CHANGES_SECONDS (20),
// BENCH_WARMUP_SECONDS (5: the same load before the timed seconds, printed and not counted).
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { loadConfig } from '../src/config';
import { openSession } from '../src/db/connection';
import { syncFile, type SyncResult } from '../src/domain/import/sync';
import { systemClock } from '../src/shared/clock';
import { createLogger } from '../src/shared/log';
import { benchDatabase, machine, percentile } from './db';
import { writeCustomers } from './import/data';
import { liveLoad, TimingTransport } from './import/live';

const N = Number(process.env.BENCH_CUSTOMERS ?? 2_000_000);
const RATE = Number(process.env.BENCH_CHANGES_RATE ?? 10_000);
const SECONDS = Number(process.env.BENCH_CHANGES_SECONDS ?? 20);
const WARMUP = Number(process.env.BENCH_WARMUP_SECONDS ?? 5);
const SECRET = 'bench-secret-0123456789abcdef0123456789';
const TOKEN = 'bench-card-system-token-0123456789abcdef';

let peakRss = 0;
let sampling = true;
const sampler = setInterval(() => {
  if (sampling) peakRss = Math.max(peakRss, process.memoryUsage().rss);
}, 20);

async function importFile(url: string, file: string): Promise<{ result: SyncResult; seconds: number }> {
  const session = await openSession(url);
  try {
    const t0 = performance.now();
    const result = await syncFile(session, { file, keys: cardKeyring(SECRET), region: 'CN', asOf: new Date() });
    return { result, seconds: (performance.now() - t0) / 1000 };
  } finally {
    await session.close();
  }
}

async function main() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'uplink-bench-import-'));
  const files = [path.join(dir, 'day1.ndjson'), path.join(dir, 'day2.ndjson')];
  const t0 = performance.now();
  await writeCustomers(files[0], N, 0);
  await writeCustomers(files[1], N, 1);
  const genSeconds = (performance.now() - t0) / 1000;
  const fileBytes = statSync(files[0]).size;
  const bench = await benchDatabase();
  try {
    peakRss = process.memoryUsage().rss;
    const fresh = await importFile(bench.url, files[0]);
    const update = await importFile(bench.url, files[1]);
    sampling = false;
    rmSync(dir, { recursive: true, force: true });
    await sql`ANALYZE customers, cards, statements`.execute(bench.db);

    const config = loadConfig({
      NODE_ENV: 'test',
      LOG_LEVEL: 'silent',
      CARD_HASH_SECRET: SECRET,
      CARD_SYSTEM_TOKEN: TOKEN,
      SCHEDULER: 'false',
      ROUTES: JSON.stringify([{ via: ['noop'] }]),
      RATE_LIMIT_PER_MINUTE: '100000',
      DESTINATION_MAX_PER_MINUTE: '100000',
    });
    const transport = new TimingTransport();
    // Loaded only now, so the imports' peak RSS is the importer's, as `npm run cli -- import` runs it.
    const { Gateway } = await import('../src/gateway');
    const gateway = new Gateway({ config, db: bench.db, log: createLogger('silent'), transports: [transport], clock: systemClock });
    const port = await gateway.start(0);
    const load = { gateway, transport, url: `http://127.0.0.1:${port}`, token: TOKEN, n: N, rate: RATE };
    // The first seconds of a process just started (its code not yet compiled, its connections new) are
    // not what a gateway that has been running answers with: they are timed, printed, and not counted.
    const warm = await liveLoad({ ...load, seconds: WARMUP, first: { change: 0, text: 0 } });
    const live = await liveLoad({ ...load, seconds: SECONDS, first: warm.next });
    await gateway.stop();

    const perSecond = (r: { result: SyncResult; seconds: number }) => Math.round(r.result.lines / r.seconds);
    const c = (r: SyncResult) => r.counts.customers;
    console.log(`machine: ${machine()}; database: ${bench.where}`);
    console.log(`files: ${N} customers each (${(fileBytes / 2 ** 20).toFixed(0)} MB), generated in ${genSeconds.toFixed(1)} s`);
    console.log(
      `empty database: ${c(fresh.result).inserted} customers, ${fresh.result.counts.cards.inserted} cards, ${fresh.result.counts.statements.inserted} statements inserted in ${fresh.seconds.toFixed(1)} s = ${perSecond(fresh)}/s (${fresh.result.mode}; target < 120 s for 2,000,000)`,
    );
    console.log(
      `update of all: ${c(update.result).updated} customers, ${update.result.counts.cards.updated} cards, ${update.result.counts.statements.updated} statements updated in ${update.seconds.toFixed(1)} s = ${perSecond(update)}/s (${update.result.mode}; target < 120 s)`,
    );
    console.log(`peak RSS during the imports: ${(peakRss / 2 ** 20).toFixed(0)} MB (target < 300 MB)`);
    const both = [...warm.latencies, ...live.latencies].sort((a, b) => a - b);
    console.log(
      `warm-up (not counted): ${warm.applied} card changes in ${warm.seconds.toFixed(1)} s; BAL n=${warm.latencies.length} p50=${percentile(warm.latencies, 50).toFixed(1)} ms p99=${percentile(warm.latencies, 99).toFixed(1)} ms; with the timed seconds: BAL p99=${percentile(both, 99).toFixed(1)} ms`,
    );
    const changesRate = live.applied / live.seconds;
    console.log(
      `live: ${live.applied} card changes applied in ${live.seconds.toFixed(1)} s = ${Math.round(changesRate)}/s (offered ${RATE}/s); BAL during them: n=${live.latencies.length} p50=${percentile(live.latencies, 50).toFixed(1)} ms p99=${percentile(live.latencies, 99).toFixed(1)} ms (target < 100 ms)`,
    );
    console.log(
      `import: ${c(fresh.result).inserted} new in ${fresh.seconds.toFixed(1)} s; ${c(update.result).updated} updated in ${update.seconds.toFixed(1)} s; peak RSS ${(peakRss / 2 ** 20).toFixed(0)} MB; changes ${Math.round(changesRate)}/s; BAL p99 ${percentile(live.latencies, 99).toFixed(1)} ms`,
    );
  } finally {
    clearInterval(sampler);
    rmSync(dir, { recursive: true, force: true });
    await bench.close();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
