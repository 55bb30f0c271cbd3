import { type Kysely, sql } from 'kysely';

/**
 * Texts not understood, by age: `npm run cli -- unknowns` and `GET /api/unknowns` read the texts
 * recorded as `unknown` since a moment. Partial, so it holds those rows only (a few in a hundred)
 * and costs the texts that were understood nothing.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`CREATE INDEX inbound_unknown_idx ON inbound_messages (received_at) WHERE command = 'unknown'`.execute(db);
}

/** Drops the index of texts not understood. */
export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP INDEX inbound_unknown_idx`.execute(db);
}
