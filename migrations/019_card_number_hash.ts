import { type Kysely, sql } from 'kysely';

/**
 * A card number is kept unique by a hash index instead of a btree. The btree behind
 * `UNIQUE (pan_hmac)` held 64-hex-digit keys in random order: at 2,000,000 cards about 240 MB, more
 * than PostgreSQL's default shared_buffers, so nearly every card a nightly import inserted read one
 * of its pages back and wrote another out. An exclusion constraint over a hash index keeps the same
 * rule (no two cards with one number; a clash is SQLSTATE 23P01) with a 4-byte hash code a card:
 * 73 MB at 2,000,000. Importing 2,000,000 new customers, the import's backend wrote 930,366
 * buffers itself instead of 1,637,714 and spent 41.2 µs of CPU a line instead of 47.5–56.6
 * (docs/benchmarks.md). Only equality is ever asked of pan_hmac, which a hash index answers.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`ALTER TABLE cards DROP CONSTRAINT cards_pan_hmac_key`.execute(db);
  await sql`ALTER TABLE cards ADD CONSTRAINT cards_pan_hmac_excl EXCLUDE USING hash (pan_hmac WITH =)`.execute(db);
}

/** Puts the unique btree back. */
export async function down(db: Kysely<any>): Promise<void> {
  await sql`ALTER TABLE cards DROP CONSTRAINT cards_pan_hmac_excl`.execute(db);
  await sql`ALTER TABLE cards ADD CONSTRAINT cards_pan_hmac_key UNIQUE (pan_hmac)`.execute(db);
}
