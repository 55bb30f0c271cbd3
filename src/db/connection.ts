import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Database } from './schema';

// int8 (counts, bigint ids) and numeric (money) come back as strings by default; our ids stay far
// below 2^53 and money is only formatted for display, so numbers are safe and far easier to use.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number.parseInt(v, 10));
pg.types.setTypeParser(pg.types.builtins.NUMERIC, (v) => Number.parseFloat(v));
// date columns stay 'YYYY-MM-DD' strings: a JS Date would shift them by the server's time zone.
pg.types.setTypeParser(pg.types.builtins.DATE, (v) => v);

/** Opens a Kysely handle on a PostgreSQL URL. */
export function createDb(url: string, max = 10): Kysely<Database> {
  // JIT compilation (on by default since PostgreSQL 12 where built with LLVM) costs tens of
  // milliseconds on our short batch statements whose estimated cost crosses jit_above_cost; the
  // delivery benchmark ran at 4,000 messages/s with it and 11,000 without.
  const pool = new pg.Pool({ connectionString: url, max, options: '-c jit=off' });
  pool.on('error', () => {
    // An idle client lost its connection (server restart); the pool replaces it on next use.
  });
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
}
