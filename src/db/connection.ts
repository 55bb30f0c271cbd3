import { createHash } from 'node:crypto';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import type { Database } from './schema';

// int8 (counts, bigint ids) and numeric (money) come back as strings by default; our ids stay far
// below 2^53 and money is only formatted for display, so numbers are safe and far easier to use.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number.parseInt(v, 10));
pg.types.setTypeParser(pg.types.builtins.NUMERIC, (v) => Number.parseFloat(v));
// date columns stay 'YYYY-MM-DD' strings: a JS Date would shift them by the server's time zone.
pg.types.setTypeParser(pg.types.builtins.DATE, (v) => v);

const PREPARED_TAG = '/* prepared */';

/** Distinct statement texts prepared at most (see PreparingClient). */
export const PREPARED_MAX = 64;

/**
 * Starts a statement that runs as a prepared statement on each connection (parsed and planned
 * once, then only bound and executed). For the few hot statements of the message path, whose text
 * never varies with their data (lists go in as arrays): a text per list length would prepare
 * without bound. Only for statements whose every plan is the same index lookups: after five runs
 * PostgreSQL may switch to one generic plan, and for the outbox claim and the sent marks over a
 * large outbox that plan was far worse (docs/benchmarks.md has the figures), so they are not.
 */
export const prepared = sql.raw(PREPARED_TAG);

/**
 * A pg client that names tagged statements by their text, so pg prepares each once per connection,
 * and that survives its connection dying under it: the error rejects the query in hand (pg's pool
 * only listens for errors of idle clients, and an unheard 'error' event ends the process), and a
 * query cut off by the client-side timeout ends the connection, so the pool never hands out a
 * client still waiting on a hung server.
 */
class PreparingClient extends pg.Client {
  // One name per statement text, shared by every connection. Bounded at PREPARED_MAX texts: the
  // tagged statements are a handful of fixed texts (lists go in as arrays), so a text beyond the
  // bound is one that varies with its data, and it runs unprepared rather than growing this map,
  // pg's per-connection cache and PostgreSQL's prepared statements without end.
  private static readonly names = new Map<string, string>();

  constructor(config?: pg.ClientConfig) {
    super(config);
    this.on('error', () => {
      // The query in hand (if any) is rejected with this error; the pool drops the dead client on release.
    });
  }

  // pg's query() is overloaded beyond what a subclass can restate, hence any.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  override query(config: any, values?: any, callback?: any): any {
    let result;
    if (typeof config === 'string' && config.startsWith(PREPARED_TAG)) {
      let name = PreparingClient.names.get(config);
      if (!name && PreparingClient.names.size < PREPARED_MAX) {
        PreparingClient.names.set(config, (name = `p${createHash('sha1').update(config).digest('hex').slice(0, 24)}`));
      }
      result = name ? super.query({ name, text: config, values }, callback) : super.query(config, values, callback);
    } else {
      result = super.query(config, values, callback);
    }
    if (result instanceof Promise) result.catch((err: Error) => this.dropIfHung(err));
    return result;
  }

  /** A hung server never answers the cut-off query: end the connection rather than queue behind it. */
  private dropIfHung(err: Error): void {
    if (/Query read timeout/.test(err.message)) void this.end().catch(() => {});
  }
}

/** Limits that keep a hung or vanished database from holding a request forever (unset: none). */
export interface DbTimeouts {
  /** Connecting, and waiting for a free connection of the pool. */
  connectMs?: number;
  /** PostgreSQL's statement_timeout: a statement running longer is cancelled by the server. */
  statementMs?: number;
  /** The client's own limit on an answer, for a server (or network) that does not answer at all. */
  queryMs?: number;
}

/** Opens a Kysely handle on a PostgreSQL URL. */
export function createDb(url: string, max = 10, timeouts: DbTimeouts = {}): Kysely<Database> {
  // JIT compilation (on by default since PostgreSQL 12 where built with LLVM) costs tens of
  // milliseconds on our short batch statements whose estimated cost crosses jit_above_cost; the
  // delivery benchmark ran at about a third of its rate with it (docs/benchmarks.md).
  const pool = new pg.Pool({
    connectionString: url,
    max,
    options: '-c jit=off',
    Client: PreparingClient,
    keepAlive: true,
    connectionTimeoutMillis: timeouts.connectMs,
    statement_timeout: timeouts.statementMs,
    query_timeout: timeouts.queryMs,
    idle_in_transaction_session_timeout: timeouts.statementMs,
  });
  pool.on('error', () => {
    // An idle client lost its connection (server restart); the pool replaces it on next use.
  });
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
}

/** A Kysely handle on one dedicated connection, and that connection's pg client (for COPY). */
export interface Session {
  db: Kysely<Database>;
  client: pg.Client;
  close(): Promise<void>;
}

/**
 * Opens one connection for a long job that streams with COPY between its statements (an import):
 * Kysely and the raw client share it, so a COPY runs inside the Kysely transaction around it.
 */
export async function openSession(url: string): Promise<Session> {
  const client = new pg.Client({ connectionString: url, options: '-c jit=off' });
  client.on('error', () => {
    // The connection died (server restart, terminated): the statement in flight rejects with it.
  });
  await client.connect();
  const pooled = Object.assign(client, { release: () => {} });
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: { connect: async () => pooled, end: async () => {} } }) });
  return {
    db,
    client,
    async close() {
      await db.destroy();
      await client.end();
    },
  };
}
