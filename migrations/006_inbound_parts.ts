import { type Kysely, sql } from 'kysely';

/** Parts of concatenated inbound texts, kept until the set is complete, so a restart between parts loses nothing. */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE TABLE inbound_parts (
      channel text NOT NULL,
      sender text NOT NULL,
      ref integer NOT NULL,
      total smallint NOT NULL CHECK (total BETWEEN 1 AND 255),
      seq smallint NOT NULL CHECK (seq BETWEEN 1 AND 255),
      recipient text NOT NULL,
      provider_id text NOT NULL,
      text text NOT NULL,
      received_at timestamptz NOT NULL,
      PRIMARY KEY (channel, sender, ref, total, seq)
    );
    CREATE INDEX inbound_parts_age_idx ON inbound_parts (received_at);
  `.execute(db);
}

/** Drops inbound_parts. */
export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP TABLE inbound_parts`.execute(db);
}
