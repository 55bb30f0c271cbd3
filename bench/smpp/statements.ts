import { sql } from 'kysely';
import type { Db } from '../../src/db/schema';

/**
 * BENCH_STATEMENTS=1: which statements PostgreSQL spent each phase of Uplink's run on, from
 * pg_stat_statements (the server must preload it: shared_preload_libraries, and
 * pg_stat_statements.track_planning = on for planning times). Off by default.
 */
export const statementsWanted = Boolean(process.env.BENCH_STATEMENTS);

/** Creates the extension in the bench database and zeroes its counters. */
export async function resetStatements(db: Db): Promise<void> {
  await sql`CREATE EXTENSION IF NOT EXISTS pg_stat_statements`.execute(db);
  await sql`SELECT pg_stat_statements_reset()`.execute(db);
}

/** One line per statement of this database (the ten most costly): calls, execution and planning ms. */
export async function statementLines(db: Db): Promise<string[]> {
  const { rows } = await sql<{ calls: number; exec: number; plan: number; query: string }>`
    SELECT calls::int, round(total_exec_time::numeric, 1)::float AS exec, round(total_plan_time::numeric, 1)::float AS plan,
           left(regexp_replace(regexp_replace(query, '^/[*] prepared [*]/', ''), '[[:space:]]+', ' ', 'g'), 100) AS query
      FROM pg_stat_statements
     WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
     ORDER BY total_exec_time + total_plan_time DESC LIMIT 10`.execute(db);
  return rows.map(
    (r) => `${String(r.calls).padStart(6)} calls, exec ${r.exec.toFixed(0).padStart(5)} ms, plan ${r.plan.toFixed(0).padStart(5)} ms: ${r.query}`,
  );
}
