import { type Kysely, sql } from 'kysely';

/**
 * What reliability needs to remember:
 * - `outbound_messages.concat_ref`: the concatenation reference of a long message some of whose
 *   parts the provider accepted and some it refused, so only the refused parts go again, with the
 *   same reference (the handset joins them with the first ones); the accepted parts are its rows
 *   in `outbound_parts`.
 * - `inbound_messages.incomplete`: a long text taken in after its timeout with parts missing; it
 *   is answered "part of your message was lost", never read as a command.
 * - `inbound_sets_done`: the parts of completed long texts, by a hash of each (never the text), for
 *   a while, so a late copy of a part is acknowledged without starting a new set.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    ALTER TABLE outbound_messages ADD COLUMN concat_ref smallint;
    ALTER TABLE inbound_messages ADD COLUMN incomplete boolean NOT NULL DEFAULT false;
    CREATE TABLE inbound_sets_done (
      channel text NOT NULL,
      sender text NOT NULL,
      ref integer NOT NULL,
      total smallint NOT NULL,
      seq smallint NOT NULL,
      part_hash text NOT NULL,
      completed_at timestamptz NOT NULL,
      PRIMARY KEY (channel, sender, ref, total, seq, part_hash)
    );
    CREATE INDEX inbound_sets_done_at_idx ON inbound_sets_done (completed_at);
  `.execute(db);
}

/** Drops what `up` added. */
export async function down(db: Kysely<any>): Promise<void> {
  await sql`
    DROP TABLE inbound_sets_done;
    ALTER TABLE inbound_messages DROP COLUMN incomplete;
    ALTER TABLE outbound_messages DROP COLUMN concat_ref;
  `.execute(db);
}
