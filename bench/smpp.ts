// npm run bench:smpp — inbound round trips over SMPP: a deliver_sm "BAL" from each of 10,000
// numbers, answered from the accounts in PostgreSQL with a reply submit_sm, every text durably
// recorded. Targets (issue "SMPP 3.4 transport"): ≥ 3,000 round trips/s sustained on 2 cores;
// p99 < 50 ms at 500/s offered. Kannel 1.4.5 (Debian) answers the same keyword in the same run
// through get-url to a service running the same lookup; the ratio Uplink/Kannel is printed.
import { type ChildProcess, spawn } from 'node:child_process';
import { sql } from 'kysely';
import { SmscSimulator } from '../src/transport/smpp/simulator';
import { benchDatabase, machine } from './db';
import { BENCH_SECRET, benchLast4, benchNumber, loadCardholders } from './smpp/fixture';
import { cpuByProcess, cpuSpent } from './smpp/cpu';
import { kannelVersion, startKannel } from './smpp/kannel';
import { RoundTrips, type TripFigures } from './smpp/load';
import { stageLine } from './smpp/stages';
import { resetStatements, statementLines, statementsWanted } from './smpp/statements';
import type { Db } from '../src/db/schema';
import { freePort } from '../src/shared/net';

const N = Number(process.env.BENCH_NUMBERS ?? 10_000);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 1_000);
const OFFERED = Number(process.env.BENCH_OFFERED ?? 500);
const LATENCY_TRIPS = Number(process.env.BENCH_LATENCY_TRIPS ?? 5_000);
const WINDOW = Number(process.env.BENCH_WINDOW ?? 64);
const SESSIONS = Number(process.env.BENCH_SMPP_SESSIONS ?? 1);

const range = (from: number, count: number) => Array.from({ length: count }, (_, i) => benchNumber(from + i));

/** Spawns a TypeScript entry point; resolves once its stdout shows `ready`. */
async function spawnTs(entry: string, env: Record<string, string>, ready: RegExp): Promise<{ child: ChildProcess; stdout: string }> {
  // BENCH_PROFILE_DIR=dir: CPU profiles of the systems under test, for finding where the time goes.
  const profile = process.env.BENCH_PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE_DIR}`] : [];
  const child = spawn(process.execPath, [...profile, '--import', 'tsx', entry], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  let stdout = '';
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (d) => {
      stdout += d;
      if (ready.test(stdout)) resolve();
    });
    child.once('exit', (code) => reject(new Error(`${entry} exited with ${code} before it was ready:\n${stdout}`)));
  });
  return { child, stdout };
}

async function stopChild(child: ChildProcess): Promise<number> {
  const t0 = performance.now();
  if (child.exitCode === null) {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
  }
  return performance.now() - t0;
}

async function waitFor(what: string, ok: () => boolean, ms = 30_000): Promise<void> {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Runs the three phases against whatever is bound to `sim`; checks every reply names the card. */
async function phases(sim: SmscSimulator, trips: RoundTrips, pick: (pid: number, name: string) => string | null, statsDb?: Db) {
  await trips.saturate(sim, range(N + 1, WARMUP), 'BAL', WINDOW);
  if (statsDb) await resetStatements(statsDb);
  const before = cpuByProcess();
  const throughput = await trips.saturate(sim, range(1, N), 'BAL', WINDOW);
  const cpu = cpuSpent(before, cpuByProcess(), pick);
  const sustainedWalls = new Map(range(1, N).map((n) => [n, trips.wall.get(n)!]));
  const statements = { sustained: statsDb ? await statementLines(statsDb) : [], offered: [] as string[] };
  if (statsDb) await resetStatements(statsDb);
  const beforeLatency = cpuByProcess();
  const latency = await trips.openLoop(sim, range(1, Math.min(LATENCY_TRIPS, N)), 'bal', OFFERED);
  if (statsDb) statements.offered = await statementLines(statsDb);
  const busy = [...cpuSpent(beforeLatency, cpuByProcess(), pick)].map(([name, sec]) => `${name} ${Math.round((100 * sec) / latency.seconds)} %`).join(', ');
  let wrong = 0;
  for (let i = 1; i <= N; i++) if (!trips.replies.get(benchNumber(i))?.includes(`****${benchLast4(i)}`)) wrong++;
  const perTrip = [...cpu].map(([name, sec]) => `${name} ${((sec * 1000) / N).toFixed(2)}`).join(', ');
  return {
    throughput,
    latency,
    sustainedWalls,
    wrong,
    statements,
    sample: trips.replies.get(benchNumber(1)) ?? '',
    cpu: `CPU ms per round trip while sustained: ${perTrip}; CPU busy at ${OFFERED}/s (of one core): ${busy}`,
  };
}

const line = (f: TripFigures) =>
  `${f.trips} trips in ${f.seconds.toFixed(2)} s = ${Math.round(f.perSecond)}/s, p50 ${f.p50.toFixed(1)} ms, p99 ${f.p99.toFixed(1)} ms, max ${f.max.toFixed(1)} ms (deliver_sm_resp p50 ${f.respP50.toFixed(1)}, p99 ${f.respP99.toFixed(1)} ms)`;

async function main() {
  const bench = await benchDatabase();
  await loadCardholders(bench.db, N + WARMUP);
  const since = new Date();
  console.log(`machine: ${machine()}; database: ${bench.where}`);
  console.log(`accounts: ${N + WARMUP} cardholders, each with a card and a month of history (5 texts answered and delivered)`);
  console.log(
    `load: ${N} numbers each text BAL (after ${WARMUP} warm-up texts) as fast as the SMSC may send them (${WINDOW} deliver_sm unanswered at most); then ${Math.min(LATENCY_TRIPS, N)} texts offered at ${OFFERED}/s`,
  );

  // Uplink, as `npm start` runs it, bound with a transmitter and a receiver (like Kannel).
  const trips = new RoundTrips();
  const sim = new SmscSimulator({ receipts: false, onSubmit: (s) => trips.onSubmit(s) });
  const smscPort = await sim.start();
  const uplink = await spawnTs(
    'src/main.ts',
    {
      DATABASE_URL: bench.url,
      PORT: '0',
      LOG_LEVEL: 'warn',
      SCHEDULER: 'false',
      CARD_HASH_SECRET: BENCH_SECRET,
      SMPP_URL: `smpp://127.0.0.1:${smscPort}`,
      SMPP_SYSTEM_ID: 'uplink',
      SMPP_PASSWORD: 'bench',
      SMPP_SOURCE_ADDR: '95555',
      SMPP_BIND_MODE: 'split',
      SMPP_SESSIONS: String(SESSIONS),
      SMPP_WINDOW: String(WINDOW),
    },
    /Uplink is listening/,
  );
  await waitFor('Uplink to bind', () => sim.sessions === 2 * SESSIONS);
  const u = await phases(
    sim,
    trips,
    (pid, name) => (pid === uplink.child.pid ? 'Uplink' : pid === process.pid ? 'SMSC simulator' : name === 'postgres' ? 'PostgreSQL' : null),
    statementsWanted ? bench.db : undefined,
  );
  const shutdownMs = await stopChild(uplink.child);
  await sim.stop();
  const recorded = await sql<{ inbound: number; processed: number; sent: number }>`
    SELECT (SELECT count(*)::int FROM inbound_messages WHERE channel = 'smpp' AND received_at >= ${since}) AS inbound,
           (SELECT count(*)::int FROM inbound_messages WHERE channel = 'smpp' AND received_at >= ${since} AND status = 'processed') AS processed,
           (SELECT count(*)::int FROM outbound_messages WHERE channel = 'smpp' AND created_at >= ${since} AND status = 'sent') AS sent`.execute(bench.db);
  const r = recorded.rows[0];
  const expected = WARMUP + N + Math.min(LATENCY_TRIPS, N);
  console.log(`Uplink (SMPP_BIND_MODE=split, ${SESSIONS} session(s), window ${WINDOW}):`);
  console.log(`  sustained:   ${line(u.throughput)}   (target ≥ 3000/s)`);
  console.log(`  at ${OFFERED}/s:    ${line(u.latency)}   (target p99 < 50 ms)`);
  console.log(
    `  recorded in PostgreSQL: ${r.inbound}/${expected} texts in (${r.processed} processed), ${r.sent}/${expected} replies sent; replies naming the right card: ${N - u.wrong}/${N}; stray submits: ${trips.stray}; SIGTERM to exit: ${Math.round(shutdownMs)} ms`,
  );
  console.log(`  by stage, p50 / p99 ms, sustained: ${await stageLine(bench.db, u.sustainedWalls, 'BAL')}`);
  console.log(`  by stage, p50 / p99 ms, at ${OFFERED}/s: ${await stageLine(bench.db, trips.wall, 'bal')}`);
  console.log(`  ${u.cpu}`);
  console.log(`  reply: ${JSON.stringify(u.sample)}`);
  if (statementsWanted) {
    console.log(`  PostgreSQL's statements while sustained (pg_stat_statements):\n    ${u.statements.sustained.join('\n    ')}`);
    console.log(`  PostgreSQL's statements at ${OFFERED}/s:\n    ${u.statements.offered.join('\n    ')}`);
  }

  const version = process.env.BENCH_SKIP_KANNEL ? null : kannelVersion();
  if (!version) {
    console.log(
      process.env.BENCH_SKIP_KANNEL
        ? 'Kannel: skipped (BENCH_SKIP_KANNEL)'
        : 'Kannel: not installed (apt-get install kannel kannel-extras); no comparison this run',
    );
    await bench.close();
    return;
  }
  const ktrips = new RoundTrips();
  const ksim = new SmscSimulator({ receipts: false, onSubmit: (s) => ktrips.onSubmit(s) });
  const kPort = await ksim.start();
  const lookupPort = await freePort();
  const lookup = await spawnTs(
    'bench/smpp/kannel-lookup.ts',
    { DATABASE_URL: bench.url, PORT: String(lookupPort), CARD_HASH_SECRET: BENCH_SECRET },
    /listening/,
  );
  const kannel = await startKannel({
    smscPort: kPort,
    getUrl: `http://127.0.0.1:${lookupPort}/bal`,
    window: WINDOW,
    adminPort: await freePort(),
    smsboxPort: await freePort(),
  });
  try {
    await waitFor('Kannel to bind', () => {
      const why = kannel.failed();
      if (why) throw new Error(why);
      return ksim.sessions === 2;
    });
    await new Promise((r) => setTimeout(r, 1000)); // smsbox connects to bearerbox after the binds
    const k = await phases(ksim, ktrips, (pid, name) =>
      pid === lookup.child.pid
        ? 'lookup service'
        : pid === process.pid
          ? 'SMSC simulator'
          : name === 'postgres'
            ? 'PostgreSQL'
            : ['bearerbox', 'smsbox'].includes(name)
              ? name
              : null,
    );
    console.log(`${version} (bearerbox + smsbox, transmitter and receiver binds, max-pending-submits ${WINDOW}, store-type file; get-url to the same lookup):`);
    console.log(`  sustained:   ${line(k.throughput)}`);
    console.log(`  at ${OFFERED}/s:    ${line(k.latency)}`);
    console.log(`  replies naming the right card: ${N - k.wrong}/${N}; stray submits: ${ktrips.stray}`);
    console.log(`  ${k.cpu}`);
    console.log(`  reply: ${JSON.stringify(k.sample)}`);
    console.log(
      `ratio Uplink/Kannel, sustained round trips/s: ${(u.throughput.perSecond / k.throughput.perSecond).toFixed(2)} (target > 1.0); p99 at ${OFFERED}/s: Uplink ${u.latency.p99.toFixed(1)} ms, Kannel ${k.latency.p99.toFixed(1)} ms`,
    );
  } finally {
    await kannel.stop();
    await stopChild(lookup.child);
    await ksim.stop();
    await bench.close();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
