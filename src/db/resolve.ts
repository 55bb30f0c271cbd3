import { readFileSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { startEmbedded } from './embedded';

/** Where the database is and, for an embedded one this process started, how to stop it. */
export interface ResolvedDatabase {
  url: string;
  embedded: boolean;
  stop?: () => Promise<void>;
}

async function answers(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

/**
 * `DATABASE_URL` when set; otherwise the embedded cluster under `<dataDir>/postgres`. When another
 * process (a running gateway) already serves that directory, this attaches to it via the port
 * in its `postmaster.pid`, so `npm run cli` works beside `npm start`.
 */
export async function resolveDatabase(databaseUrl: string | undefined, dataDir: string): Promise<ResolvedDatabase> {
  if (databaseUrl) return { url: databaseUrl, embedded: false };
  const dir = path.join(dataDir, 'postgres');
  try {
    const port = readFileSync(path.join(dir, 'postmaster.pid'), 'utf8').split('\n')[3]?.trim();
    const url = `postgres://postgres:postgres@127.0.0.1:${port}/uplink`;
    if (port && (await answers(url))) return { url, embedded: true };
  } catch {
    // no running cluster: start one below
  }
  const cluster = await startEmbedded(dir, { database: 'uplink' });
  return { url: cluster.url, embedded: true, stop: cluster.stop };
}
