import { type Kysely, sql } from 'kysely';

/**
 * Staff console sessions (`/console`): one row per signed-in browser. The cookie carries a random
 * session id and only its SHA-256 is stored, like staff tokens; the CSRF synchronizer token is
 * stored the same way. A session ends at sign-out, when its staff member is disabled or rotated
 * (both delete its sessions), or after `CONSOLE_IDLE_MINUTES`
 * without a request (`last_seen_at`).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE TABLE console_sessions (
      id_hash text PRIMARY KEY,
      staff_id integer NOT NULL REFERENCES staff(id) ON DELETE CASCADE,
      csrf_token text NOT NULL,
      created_at timestamptz NOT NULL,
      last_seen_at timestamptz NOT NULL
    );
    CREATE INDEX console_sessions_staff_idx ON console_sessions (staff_id);
    CREATE INDEX console_sessions_seen_idx ON console_sessions (last_seen_at);
  `.execute(db);
}

/** Drops what `up` added. */
export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP TABLE console_sessions`.execute(db);
}
