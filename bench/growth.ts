// npm run bench:growth — the message tables as they grow to 50 million texts out: the claim, the
// receipt lookup and a customer's conversation history, timed and EXPLAINed at each size. Target
// (issue "Operations"): each stays on indexes (no sequential scan of a message table) and costs
// the same at 50 million rows as at 4 million. Months are generated newest first, in SQL, into
// partitions built beside the table and attached (as fast as PostgreSQL loads them).
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { claimDue } from '../src/core/outbox/claim';
import { findReportTargets } from '../src/core/outbox/receipts';
import { addMonths, firstIdOf, listPartitions, monthOf, type Month } from '../src/db/partitions';
import type { Database } from '../src/db/schema';
import { conversation } from '../src/domain/history';
import { benchDatabase, machine, percentile } from './db';
import { explainCost, type PlanCost } from './growth/explain';
import { fillMonth } from './growth/months';

const ROWS = Number(process.env.BENCH_ROWS ?? 50_000_000);
const MONTHS = Number(process.env.BENCH_MONTHS ?? 13);
const CUSTOMERS = Number(process.env.BENCH_CUSTOMERS ?? 1_000_000);
const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 300);
const STEPS = [...new Set([1, 2, 4, 7, MONTHS].filter((m) => m <= MONTHS))];

type Probe = { name: string; run: (db: Kysely<Database>, i: number) => Promise<unknown> };

async function main() {
  const bench = await benchDatabase();
  const { db } = bench;
  console.log(`bench:growth on ${machine()}; ${bench.where}; ${ROWS} texts out over ${MONTHS} months, ${CUSTOMERS} customers`);
  const t0 = performance.now();
  await sql`
    INSERT INTO customers (external_id, name, mobile, locale, time_zone, tier)
    SELECT 'G-' || g, 'Growth ' || g, '+861' || (3000000000 + g)::text, 'en', 'Asia/Shanghai', 'standard'
      FROM generate_series(1, ${CUSTOMERS}) g`.execute(db);
  // The upgrade partitions hold nothing here; past months get partitions of their own.
  for (const p of (await listPartitions(db)).filter((p) => p.fromId === null)) {
    await sql.raw(`ALTER TABLE ${p.table} DETACH PARTITION ${p.name}; DROP TABLE ${p.name}`).execute(db);
  }
  console.log(`customers: ${CUSTOMERS} in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

  const now = new Date();
  const current = monthOf(now);
  const perMonth = Math.floor(ROWS / MONTHS);
  const traced = tracingDb(bench.url);
  const probes = probesFor(now);
  const results: { months: number; rows: number; costs: Record<string, PlanCost & { p50: number; p99: number }> }[] = [];
  let made = 0;
  for (const step of STEPS) {
    const t1 = performance.now();
    const todo: Month[] = [];
    for (; made < step; made++) todo.push(addMonths(current, -made));
    await Promise.all(
      [0, 1].map(async (lane) => {
        for (let i = lane; i < todo.length; i += 2)
          await fillMonth(db, todo[i]!, perMonth, CUSTOMERS, todo[i]!.year === current.year && todo[i]!.month === current.month);
      }),
    );
    const { rows } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM outbound_messages`.execute(db);
    console.log(`${step} month(s): ${rows[0]!.n} texts out (+${todo.length} months in ${((performance.now() - t1) / 1000).toFixed(0)} s)`);
    const costs: (typeof results)[number]['costs'] = {};
    for (const probe of probes) {
      const times: number[] = [];
      for (let i = 0; i < SAMPLES; i++) {
        const t = performance.now();
        await probe.run(db, i);
        times.push(performance.now() - t);
      }
      times.sort((a, b) => a - b);
      const plan = await explainCost(traced, (tdb) => probe.run(tdb, SAMPLES + step));
      costs[probe.name] = { ...plan, p50: percentile(times, 50), p99: percentile(times, 99) };
      console.log(
        `  ${probe.name.padEnd(8)} p50 ${percentile(times, 50).toFixed(2)} ms, p99 ${percentile(times, 99).toFixed(2)} ms; ` +
          `${plan.buffers} buffers, ${plan.partitions} partitions read; scans: ${plan.scans.join(', ')}`,
      );
    }
    results.push({ months: step, rows: rows[0]!.n, costs });
  }
  await traced.destroy();
  await bench.close();
  const first = results[0]!;
  const last = results.at(-1)!;
  const seq = results.flatMap((r) =>
    Object.entries(r.costs)
      .filter(([, c]) => c.seqScans > 0)
      .map(([name]) => `${name} at ${r.rows}`),
  );
  console.log(seq.length === 0 ? 'no sequential scan of a message table at any size' : `SEQUENTIAL SCANS: ${seq.join('; ')}`);
  const line = probes.map(({ name }) => {
    const a = first.costs[name]!;
    const b = last.costs[name]!;
    return `${name} p99 ${a.p99.toFixed(2)} → ${b.p99.toFixed(2)} ms (${a.buffers} → ${b.buffers} buffers)`;
  });
  console.log(`growth: ${first.rows} → ${last.rows} rows; ${line.join('; ')}`);
}

/** The three queries, as the gateway runs them, on sample `i`. */
function probesFor(now: Date): Probe[] {
  const current = monthOf(now);
  return [
    {
      name: 'claim',
      // A claim of 100 due texts (10,000 wait in the current month), undone so each sample sees the same queue.
      run: (db) =>
        db
          .transaction()
          .execute(async (trx) => {
            await claimDue(trx, { batch: 100, leaseMs: 30_000, now, minPriority: 0, maxPriority: 100 });
            throw new Rollback();
          })
          .catch((err: unknown) => {
            if (!(err instanceof Rollback)) throw err;
          }),
    },
    {
      name: 'receipt',
      // A receipt for a text sent this month or last (ids p<id> as the generator names them).
      run: (db, i) => {
        const month = addMonths(current, -(i % 2));
        return findReportTargets(db, 'smpp', [`p${firstIdOf(month) + 1 + ((i * 7919) % 1000)}`], now);
      },
    },
    { name: 'history', run: (db, i) => conversation(db, `G-${1 + ((i * 104_729) % CUSTOMERS)}`, 20) },
  ];
}

class Rollback extends Error {}

/** A Kysely handle that records each statement it runs, for EXPLAIN. */
function tracingDb(url: string) {
  const pool = new pg.Pool({ connectionString: url, max: 1, options: '-c jit=off' });
  pool.on('error', () => {}); // the database is dropped with its connections at the end
  const statements: { sql: string; parameters: readonly unknown[] }[] = [];
  const db = new Kysely<Database>({
    dialect: new PostgresDialect({ pool }),
    log: (e) => {
      if (e.level === 'query') statements.push({ sql: e.query.sql, parameters: e.query.parameters });
    },
  });
  return Object.assign(db, { statements, pool });
}

export type TracingDb = ReturnType<typeof tracingDb>;

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
