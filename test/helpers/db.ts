import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import pg from 'pg';
import { createDb } from '../../src/db/connection';
import type { Database } from '../../src/db/schema';
import { testEnv } from '../setup/env';
import { withDatabase } from './url';

/** A fresh, migrated database of this test file's own, and how to drop it. */
export interface TestDatabase {
  url: string;
  db: Kysely<Database>;
  drop(): Promise<void>;
}

async function admin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: testEnv('adminUrl') });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** Copies the migrated template into a new database (fast: no migrations per file). */
export async function freshDatabase(): Promise<TestDatabase> {
  const name = `uplink_t_${randomBytes(6).toString('hex')}`;
  const template = testEnv('templateDb');
  await admin(async (c) => {
    for (let attempt = 0; ; attempt++) {
      try {
        await c.query(`CREATE DATABASE ${name} TEMPLATE ${template}`);
        return;
      } catch (err) {
        // Two files copying the template at the same instant: "source database is being accessed".
        if (attempt >= 20 || (err as { code?: string }).code !== '55006') throw err;
        await new Promise((r) => setTimeout(r, 100 + Math.random() * 200));
      }
    }
  });
  const url = withDatabase(testEnv('adminUrl'), name);
  const db = createDb(url);
  return {
    url,
    db,
    async drop() {
      await db.destroy();
      await admin((c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
    },
  };
}
