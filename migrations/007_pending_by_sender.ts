import { type Kysely, sql } from 'kysely';

/**
 * Unhandled texts indexed by sender. Recording a text asks whether its sender has an earlier one
 * unhandled; the planner answered that by ANDing the pending-texts index with the sender index,
 * and the pending index scanned whole holds an entry for every text received since the last
 * vacuum (a handled text leaves a dead entry): 16,000 entries read per text after a 16,000-text
 * burst. Keyed by sender, the question reads that sender's entries only. The recovery sweep
 * (pending texts by age) reads this index whole, once every 30 s.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE INDEX inbound_sender_pending_idx ON inbound_messages (from_number, received_at) WHERE status = 'received';
    DROP INDEX inbound_pending_idx;
  `.execute(db);
}

/** Restores the pending-texts index by age. */
export async function down(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE INDEX inbound_pending_idx ON inbound_messages (received_at) WHERE status = 'received';
    DROP INDEX inbound_sender_pending_idx;
  `.execute(db);
}
