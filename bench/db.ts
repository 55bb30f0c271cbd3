import { chmodSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { createDb } from '../src/db/connection';
import { startEmbedded } from '../src/db/embedded';
import { migrateToLatest } from '../src/db/migrate';

/** A fresh, migrated database for a benchmark: on BENCH_DATABASE_URL / DATABASE_URL, else embedded. */
export async function benchDatabase() {
  const given = process.env.BENCH_DATABASE_URL ?? process.env.DATABASE_URL;
  let stopEmbedded: (() => Promise<void>) | undefined;
  let adminUrl = given;
  if (!adminUrl) {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'uplink-bench-'));
    chmodSync(dir, 0o755);
    const cluster = await startEmbedded(path.join(dir, 'pg'), { persistent: false });
    adminUrl = cluster.url;
    stopEmbedded = cluster.stop;
  }
  const name = `uplink_bench_${process.pid}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${name}`);
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const db = createDb(url.toString(), 10);
  await migrateToLatest(db);
  const server = (await admin.query<{ server_version: string }>('SHOW server_version')).rows[0].server_version;
  return {
    db,
    url: url.toString(),
    where: given ? `PostgreSQL ${server} at ${new URL(adminUrl).host}` : `embedded PostgreSQL ${server}`,
    async close() {
      await db.destroy();
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
      await stopEmbedded?.();
    },
  };
}

/** Percentile of a sorted list. */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/** One line describing this machine. */
export function machine(): string {
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  return `${os.cpus().length} × ${cpu.trim()}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`;
}
