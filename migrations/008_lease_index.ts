import { type Kysely, sql } from 'kysely';

/**
 * The lease index serves the lease sweep only. Its predicate was `status = 'sending'`, so the
 * planner also used it for the hand-off and sent marks (`id = ANY(…) AND status = 'sending'`):
 * statistics see almost no row in `sending` (rows pass through it), while the index holds an entry
 * for every message sent since the last vacuum — 8–10 ms per mark during a 100,000-message drain
 * instead of a primary-key lookup. With `locked_until IS NOT NULL` in the predicate only a
 * statement that compares locked_until (the sweep) can use it.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    DROP INDEX outbound_lease_idx;
    CREATE INDEX outbound_lease_idx ON outbound_messages (locked_until) WHERE status = 'sending' AND locked_until IS NOT NULL;
  `.execute(db);
}

/** Restores the lease index on every row in `sending`. */
export async function down(db: Kysely<any>): Promise<void> {
  await sql`
    DROP INDEX outbound_lease_idx;
    CREATE INDEX outbound_lease_idx ON outbound_messages (locked_until) WHERE status = 'sending';
  `.execute(db);
}
