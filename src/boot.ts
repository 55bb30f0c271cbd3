import { readFileSync } from 'node:fs';
import type { Kysely } from 'kysely';
import { type AppConfig, loadConfig } from './config';
import { createDb } from './db/connection';
import { migrateToLatest } from './db/migrate';
import { resolveDatabase } from './db/resolve';
import type { Database } from './db/schema';
import { importDocument, parseImport } from './domain/import/import';
import { createLogger, type Logger } from './shared/log';
import { projectPath } from './shared/paths';
import { cardHashSecret } from './secret';
import { cardKeyId, cardKeyring } from './domain/pan';

/** The demo data loaded into an empty database. */
export const DEMO_FILE = projectPath('demo', 'demo.json');

/** A configured, migrated database connection and how to release it. */
export interface Booted {
  config: AppConfig;
  db: Kysely<Database>;
  /** The database URL, for a job that needs a connection of its own (an import's COPY). */
  url: string;
  log: Logger;
  embedded: boolean;
  close(): Promise<void>;
}

/**
 * Shared start-up of the gateway and the CLI: validate config, reach (or start) the database,
 * migrate it, and settle the card-hash key.
 */
export async function boot(env: NodeJS.ProcessEnv = process.env): Promise<Booted> {
  const base = loadConfig(env);
  const log = createLogger(base.logLevel, { env: base.env });
  const config: AppConfig = Object.freeze({ ...base, cardHashSecret: cardHashSecret(base) });
  const resolved = await resolveDatabase(config.databaseUrl, config.dataDir);
  // Migrations run without the statement timeout (an index on a large table may take a while).
  const migrator = createDb(resolved.url, 1);
  try {
    await migrateToLatest(migrator);
    // Card hashes from before key ids were stored were made with the key in use: stamp its id.
    await migrator
      .updateTable('cards')
      .set({ hash_key_id: cardKeyId(config.cardHashSecret!) })
      .where('hash_key_id', 'is', null)
      .execute();
  } catch (err) {
    await resolved.stop?.();
    throw err;
  } finally {
    await migrator.destroy();
  }
  const db = createDb(resolved.url, 10, config.dbTimeouts);
  return {
    config,
    db,
    url: resolved.url,
    log,
    embedded: resolved.embedded,
    async close() {
      await db.destroy();
      await resolved.stop?.();
    },
  };
}

/**
 * Outside production, loads the demo customers (and an agent phone that may confirm sign-ups) when
 * the database has none; returns whether it did. Never in production: an empty database stays empty.
 */
export async function loadDemoIfEmpty(booted: Booted): Promise<boolean> {
  if (booted.config.env === 'production') return false;
  const any = await booted.db.selectFrom('customers').select('id').limit(1).executeTakeFirst();
  if (any) return false;
  const doc = parseImport(readFileSync(DEMO_FILE, 'utf8'), booted.config.defaultRegion);
  await importDocument(booted.db, doc, cardKeyring(booted.config.cardHashSecret!, booted.config.cardHashPreviousSecrets));
  return true;
}
