// npm run bench:notices — a birthday run over 1,000,000 customers: selecting and queueing the day's
// greetings. Target (issue "Scheduled and event-driven notices"): under 10 s, through an index.
import { sql } from 'kysely';
import { loadConfig } from '../src/config';
import { createMessaging } from '../src/core/messaging/notifier';
import { jobDefinitions, runJob } from '../src/scheduler/jobs';
import { benchDatabase, machine } from './db';

const N = Number(process.env.BENCH_CUSTOMERS ?? 1_000_000);

async function main() {
  const bench = await benchDatabase();
  const { db } = bench;
  let t0 = performance.now();
  // Birthdays spread over the year, a third each of standard, gold and platinum, five time zones, three languages.
  await sql`
    INSERT INTO customers (external_id, name, mobile, locale, time_zone, tier, birthday, marketing_consent)
    SELECT 'B-' || g, 'Customer ' || g, '+861' || (3000000000 + g)::text,
           (ARRAY['zh-CN','zh-HK','en'])[1 + g % 3],
           (ARRAY['Asia/Shanghai','Asia/Hong_Kong','America/New_York','Europe/London','Asia/Singapore'])[1 + g % 5],
           (ARRAY['standard','gold','platinum'])[1 + (g / 3) % 3],
           date '1950-01-01' + ((g::bigint * 7919) % 20000)::int, false
      FROM generate_series(1, ${N}) g`.execute(db);
  await sql`ANALYZE customers`.execute(db);
  const seedMs = performance.now() - t0;

  const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', CARD_HASH_SECRET: 'bench-secret-0123456789abcdef0123456789' });
  const ctx = { db, notifier: createMessaging(config).notifier, config };
  const job = jobDefinitions('Asia/Shanghai').find((j) => j.name === 'birthday-greetings')!;

  const plan = await sql<{ 'QUERY PLAN': string }>`
    EXPLAIN SELECT id FROM customers
     WHERE birthday IS NOT NULL AND (extract(month from birthday) * 100 + extract(day from birthday)) = ANY(${[314]}::int[])`.execute(db);
  const usesIndex = plan.rows.some((r) => r['QUERY PLAN'].includes('customers_birthday_idx'));

  t0 = performance.now();
  const hourly = await runJob(ctx, job, new Date('2027-03-14T01:00:00Z')); // 09:00 in Shanghai, Hong Kong, Singapore
  const hourlyMs = performance.now() - t0;
  t0 = performance.now();
  const day = await runJob(ctx, job, new Date('2027-06-01T12:00:00Z'), '2027-06-01'); // every zone, one date
  const dayMs = performance.now() - t0;
  t0 = performance.now();
  const rerun = await runJob(ctx, job, new Date('2027-06-01T12:00:00Z'), '2027-06-01');
  const rerunMs = performance.now() - t0;

  console.log(`machine: ${machine()}; database: ${bench.where}`);
  console.log(`seeded ${N} customers in ${(seedMs / 1000).toFixed(1)} s; birthday selection uses customers_birthday_idx: ${usesIndex}`);
  console.log(
    `scheduled run (09:00 local in 3 of 5 zones): ${hourly.queued} greetings queued of ${hourly.candidates} candidates in ${(hourlyMs / 1000).toFixed(2)} s`,
  );
  console.log(
    `full day (--date, every zone): ${day.queued} greetings queued of ${day.candidates} candidates in ${(dayMs / 1000).toFixed(2)} s (target < 10 s)`,
  );
  console.log(`rerun of that day: ${rerun.queued} queued in ${(rerunMs / 1000).toFixed(2)} s (idempotent)`);
  await bench.close();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
