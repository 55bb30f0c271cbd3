// npm run bench:soak — memory over a long run. The production build of the gateway runs as a child
// process (its RSS alone is measured) on a fresh database, bound to a local SMSC and to a local fake
// of Twilio's REST API, and takes inbound texts from distinct numbers at a steady rate: half as
// signed Twilio webhooks over 64 keep-alive connections, half as deliver_sm from the SMSC (64
// unanswered at most); every text is answered (cardholders get their figures, unknown numbers the
// "not registered" reply) and the replies leave by the channel they came in on. Every 10 s the
// gateway's RSS and heap are sampled (bench/soak/probe.ts, preloaded only here, answers over IPC).
// After a warm-up, the steady phase's least-squares RSS slope over its last half is printed.
//
// SOAK_RATE texts/s (1000), SOAK_SECONDS of steady load (1200), SOAK_WARMUP_SECONDS (60),
// SOAK_SENDERS distinct numbers (1,000,000), SOAK_CARDHOLDERS of them known (100,000),
// SOAK_TWILIO_SHARE (0.5), SOAK_RECEIPTS=1 (the SMSC sends delivery receipts),
// SOAK_SNAPSHOTS=dir (heap snapshots at the start and end of the steady phase),
// SOAK_NODE_FLAGS (default: those of `npm run start:prod`).
import { type ChildProcess, execSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { SmscSimulator } from '../src/transport/smpp/simulator';
import { freePort } from '../src/shared/net';
import { FakeTwilio } from '../test/helpers/fake-twilio';
import { benchDatabase, machine } from './db';
import { BENCH_SECRET, loadCardholders } from './smpp/fixture';
import { rssSlopePer10Min, type Sample } from './soak/fit';
import { deliver, paced, senderOf, Tally, TwilioWebhooks } from './soak/load';

const RATE = Number(process.env.SOAK_RATE ?? 1000);
const SECONDS = Number(process.env.SOAK_SECONDS ?? 1200);
const WARMUP = Number(process.env.SOAK_WARMUP_SECONDS ?? 60);
const SENDERS = Number(process.env.SOAK_SENDERS ?? 1_000_000);
const CARDHOLDERS = Math.min(SENDERS, Number(process.env.SOAK_CARDHOLDERS ?? 100_000));
const TWILIO_SHARE = Number(process.env.SOAK_TWILIO_SHARE ?? 0.5);
const SNAPSHOTS = process.env.SOAK_SNAPSHOTS;
const CONNECTIONS = 64;
const TOKEN = 'soak-twilio-auth-token';
const MB = 2 ** 20;

/** The environment (`NAME=value` before `node`) and node flags `npm run start:prod` starts the gateway with (heap limits among them). */
function prodCommand(): { env: Record<string, string>; flags: string[] } {
  const script: string = JSON.parse(readFileSync('package.json', 'utf8')).scripts['start:prod'];
  const words = script.split(/\s+/);
  const env = Object.fromEntries(words.slice(0, words.indexOf('node')).map((w) => w.split('=') as [string, string]));
  if (process.env.SOAK_NODE_FLAGS !== undefined) return { env, flags: process.env.SOAK_NODE_FLAGS.split(/\s+/).filter(Boolean) };
  return { env, flags: words.slice(words.indexOf('node') + 1, words.indexOf('dist/main.js')) };
}

/** CPU seconds a process has used (user + system), from /proc. */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (100 Hz)
}

/** Asks the child (bench/soak/probe.ts) something over IPC. */
function ask<T>(child: ChildProcess, msg: object): Promise<T> {
  const id = Math.random();
  return new Promise((resolve) => {
    const on = (m: { id: number }) => {
      if (m.id !== id) return;
      child.off('message', on);
      resolve(m as T);
    };
    child.on('message', on);
    child.send({ ...msg, id });
  });
}

async function main() {
  execSync('npm run --silent build', { stdio: 'inherit' });
  execSync('npx esbuild bench/soak/probe.ts --outfile=dist/soak-probe.js --platform=node --format=esm --log-level=warning', { stdio: 'inherit' });
  const bench = await benchDatabase();
  await loadCardholders(bench.db, CARDHOLDERS, 1);
  const fake = new FakeTwilio({ keep: false });
  await fake.start();
  let smppReplies = 0;
  const sim = new SmscSimulator({ receipts: process.env.SOAK_RECEIPTS === '1', keepSubmits: false, onSubmit: () => void smppReplies++ });
  await sim.start();
  const port = await freePort();
  const { env: prodEnv, flags } = prodCommand();
  const child = spawn(process.execPath, [...flags, '--import', './dist/soak-probe.js', 'dist/main.js'], {
    env: {
      ...process.env,
      ...prodEnv,
      NODE_OPTIONS: '',
      NODE_ENV: 'development',
      LOG_LEVEL: 'warn',
      PORT: String(port),
      DATABASE_URL: bench.url,
      DATA_DIR: mkdtempSync(path.join(os.tmpdir(), 'uplink-soak-')),
      CARD_HASH_SECRET: BENCH_SECRET,
      SCHEDULER: 'false',
      TWILIO_ACCOUNT_SID: 'AC00000000000000000000000000000001',
      TWILIO_AUTH_TOKEN: TOKEN,
      TWILIO_FROM: '+18005550100',
      TWILIO_API_URL: fake.url,
      PUBLIC_BASE_URL: `http://127.0.0.1:${port}`,
      SMPP_URL: `smpp://127.0.0.1:${sim.port}`,
      SMPP_SYSTEM_ID: 'uplink',
      SMPP_PASSWORD: 'soak',
      SMPP_SOURCE_ADDR: '95555',
      // Unknown numbers are most of the load and each is answered: the global budget for them is
      // raised over the offered rate (its default is the guard against SMS pumping).
      UNKNOWN_SENDER_REPLIES_PER_MINUTE: String(Math.ceil(RATE * 60 * 3)),
    },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const exited = new Promise((r) => child.once('exit', r));
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      child.kill('SIGKILL'); // an interrupted soak leaves no gateway behind (its database stays: DROP it by hand)
      process.exit(130);
    });
  }
  const base = `http://127.0.0.1:${port}`;
  for (
    let i = 0;
    !(await fetch(`${base}/readyz`).then(
      (r) => r.ok,
      () => false,
    )) || sim.sessions === 0;
    i++
  ) {
    if (i > 600 || child.exitCode !== null) throw new Error('the gateway did not become ready');
    await new Promise((r) => setTimeout(r, 100));
  }
  const since = new Date();
  console.log(
    `machine: ${machine()}; database: ${bench.where}; load average ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  console.log(
    `gateway: ${Object.entries(prodEnv)
      .map(([k, v]) => `${k}=${v} `)
      .join('')}node ${flags.join(' ')} dist/main.js (pid ${child.pid}), SMPP and Twilio`,
  );
  console.log(
    `load: ${RATE} texts/s (${Math.round(TWILIO_SHARE * 100)} % signed Twilio webhooks over ${CONNECTIONS} connections, the rest deliver_sm, ${CONNECTIONS} unanswered at most) from ${SENDERS} distinct numbers (${CARDHOLDERS} cardholders); ${WARMUP} s warm-up, then ${SECONDS} s steady`,
  );

  const hooks = new TwilioWebhooks(base, TOKEN, CONNECTIONS);
  const tw = new Tally();
  const sm = new Tally();
  const seen = new Uint8Array(SENDERS);
  let distinct = 0;
  const mark = (k: number, c: number) => {
    const i = (2 * k + c) % SENDERS;
    if (seen[i] === 0) {
      seen[i] = 1;
      distinct++;
    }
  };
  const cpu0 = { gateway: cpuSeconds(child.pid!), bench: process.cpuUsage() };
  const t0 = performance.now();
  const endAt = t0 + (WARMUP + SECONDS) * 1000;
  const load = Promise.all([
    paced(
      CONNECTIONS,
      RATE * TWILIO_SHARE,
      t0,
      () => endAt,
      (k) => (mark(k, 0), hooks.post(k, senderOf(k, 0, SENDERS))),
      tw,
    ),
    paced(
      CONNECTIONS,
      RATE * (1 - TWILIO_SHARE),
      t0,
      () => endAt,
      (k) => (mark(k, 1), deliver(sim, k, senderOf(k, 1, SENDERS))),
      sm,
    ),
  ]);

  const samples: Sample[] = [];
  let lastTexts = 0;
  const sample = async () => {
    const m = await ask<{ rss: number; heapUsed: number; heapTotal: number; heapLimit: number }>(child, { kind: 'memory' });
    const t = Math.round((performance.now() - t0) / 1000);
    const texts = tw.sent + sm.sent;
    const s = { t, texts, rssMb: m.rss / MB, heapUsedMb: m.heapUsed / MB, heapTotalMb: m.heapTotal / MB };
    samples.push(s);
    const dt = samples.length > 1 ? t - samples[samples.length - 2].t : 0;
    const rate = dt > 0 ? Math.round((texts - lastTexts) / dt) : 0;
    lastTexts = texts;
    console.log(
      `  t=${String(t).padStart(5)} s  texts ${String(texts).padStart(8)}  ${String(rate).padStart(5)}/s  RSS ${s.rssMb.toFixed(1).padStart(6)} MB  heap used ${s.heapUsedMb.toFixed(1).padStart(6)} MB of ${s.heapTotalMb.toFixed(1)} MB (limit ${(m.heapLimit / MB).toFixed(0)} MB)  replies ${fake.created + smppReplies}  refused ${tw.refused + sm.refused}`,
    );
  };
  const snapshot = async (name: string) => {
    if (!SNAPSHOTS) return;
    mkdirSync(SNAPSHOTS, { recursive: true });
    const r = await ask<{ file: string }>(child, { kind: 'snapshot', file: path.join(SNAPSHOTS, `${name}.heapsnapshot`) });
    console.log(`  heap snapshot: ${r.file}`);
  };
  await sample();
  const ticker = setInterval(() => void sample(), 10_000);
  await new Promise((r) => setTimeout(r, WARMUP * 1000));
  await snapshot('start');
  await load;
  clearInterval(ticker);
  await sample();
  const loadSeconds = (performance.now() - t0) / 1000;
  await snapshot('end');
  hooks.close();
  const gatewayCpu = cpuSeconds(child.pid!) - cpu0.gateway;
  const benchCpu = process.cpuUsage(cpu0.bench);

  // Every text recorded and answered once: wait (SOAK_DRAIN_SECONDS at most) for the backlog a
  // slower machine leaves in the tables to be handled and sent, then count in PostgreSQL.
  const texts = tw.sent + sm.sent;
  const drainStart = performance.now();
  const drainMs = Number(process.env.SOAK_DRAIN_SECONDS ?? 600) * 1000;
  for (;;) {
    const left = await sql<{ n: number }>`
      SELECT (SELECT count(*)::int FROM inbound_messages WHERE status = 'received')
           + (SELECT count(*)::int FROM outbound_messages WHERE status IN ('queued', 'sending')) AS n`.execute(bench.db);
    if (left.rows[0].n === 0 || performance.now() - drainStart > drainMs) break;
    await new Promise((r) => setTimeout(r, 5_000));
  }
  console.log(`backlog after the load: handled and sent in ${((performance.now() - drainStart) / 1000).toFixed(0)} s (at most ${drainMs / 1000} s waited)`);
  const counts = await sql<{ inbound: number; processed: number; replies: number; twice: number }>`
    SELECT (SELECT count(*)::int FROM inbound_messages WHERE received_at >= ${since}) AS inbound,
           (SELECT count(*)::int FROM inbound_messages WHERE received_at >= ${since} AND status IN ('processed', 'rate_limited')) AS processed,
           (SELECT count(*)::int FROM outbound_messages WHERE created_at >= ${since} AND status IN ('sent', 'delivered')) AS replies,
           (SELECT count(*)::int FROM (SELECT inbound_id FROM outbound_messages WHERE created_at >= ${since} GROUP BY inbound_id HAVING count(*) > 1) d) AS twice`.execute(
    bench.db,
  );
  const c = counts.rows[0];
  console.log(
    `texts accepted ${texts} (Twilio ${tw.sent}, SMPP ${sm.sent}; refused ${tw.refused + sm.refused}) = ${Math.round(texts / loadSeconds)}/s; in PostgreSQL: ${c.inbound} recorded, ${c.processed} handled, ${c.replies} replies sent, ${c.twice} texts answered twice; replies received: Twilio ${fake.created}, SMSC ${smppReplies}`,
  );
  const statuses = await sql<{ k: string; n: number }>`
    SELECT 'in ' || status AS k, count(*)::int AS n FROM inbound_messages WHERE received_at >= ${since} GROUP BY status
    UNION ALL SELECT 'out ' || channel || ' ' || status, count(*)::int FROM outbound_messages WHERE created_at >= ${since} GROUP BY channel, status ORDER BY 1`.execute(
    bench.db,
  );
  console.log(
    `CPU while loaded: gateway ${gatewayCpu.toFixed(0)} s (${((1000 * gatewayCpu) / texts).toFixed(2)} ms per text and its reply), this bench (Twilio signer and fake, SMSC) ${((benchCpu.user + benchCpu.system) / 1e6).toFixed(0)} s, over ${loadSeconds.toFixed(0)} s`,
  );
  console.log(`by status: ${statuses.rows.map((r) => `${r.k} ${r.n}`).join(', ')}`);
  child.kill('SIGTERM');
  await exited;
  await sim.stop();
  await fake.stop();
  await bench.close();

  const steady = samples.filter((s) => s.t >= WARMUP - 5);
  const start = steady[0];
  const end = samples[samples.length - 1];
  const peak = Math.max(...steady.map((s) => s.rssMb));
  const x = rssSlopePer10Min(samples, start.t, end.t);
  console.log(
    `load average ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  console.log(
    `soak: ${texts} texts from ${distinct} senders in ${Math.round(loadSeconds)} s; RSS start ${start.rssMb.toFixed(0)} MB, peak ${peak.toFixed(0)} MB, end ${end.rssMb.toFixed(0)} MB; slope ${x.toFixed(1)} MB/10 min`,
  );
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
