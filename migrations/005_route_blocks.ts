import { type Kysely, sql } from 'kysely';

/** Numbers a provider told us not to text through it (Twilio 21610: the recipient replied STOP to that sender). */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE TABLE route_blocks (
      to_number text NOT NULL,
      channel text NOT NULL,
      reason text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (to_number, channel)
    );
  `.execute(db);
}

/** Drops route_blocks. */
export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP TABLE route_blocks`.execute(db);
}
