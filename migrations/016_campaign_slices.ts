import { type Kysely, sql } from 'kysely';

/**
 * Campaigns materialised at a million customers in seconds.
 *
 * - `campaign_run_slices`: a run's customer-id range cut into slices that workers claim with
 *   `FOR UPDATE SKIP LOCKED` — two workers (or two gateway processes) materialise different slices
 *   at once, a slice is done in the transaction that queued its texts, and a crash leaves its slice
 *   to be claimed again. `campaign_runs.cursor` becomes the end of the range sliced so far.
 * - The foreign keys of `campaign_recipients` and `outbound_messages.customer_id` / `campaign_id`
 *   go. Each was a trigger query per inserted row (8 µs each; six per campaign text were 60 % of
 *   materialising a million). The rows are written by `INSERT … SELECT` joined with the very
 *   customers, cards, campaign and run they name, and none of those is ever deleted (customers and
 *   cards are closed, campaigns cancelled), so the checks could not fail.
 * - `campaign_recipients_campaign_idx` goes too: the one query by campaign (the report's opt-outs)
 *   goes through the campaign's runs and the primary key, and each text paid for the index.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE TABLE campaign_run_slices (
      run_id integer NOT NULL REFERENCES campaign_runs(id),
      first_id integer NOT NULL,
      last_id integer NOT NULL,
      done_at timestamptz,
      PRIMARY KEY (run_id, first_id)
    );
    ALTER TABLE campaign_recipients
      DROP CONSTRAINT IF EXISTS campaign_recipients_campaign_id_fkey,
      DROP CONSTRAINT IF EXISTS campaign_recipients_customer_id_fkey,
      DROP CONSTRAINT IF EXISTS campaign_recipients_run_id_fkey,
      DROP CONSTRAINT IF EXISTS campaign_recipients_card_id_fkey;
    DROP INDEX IF EXISTS campaign_recipients_campaign_idx;
    ALTER TABLE outbound_messages
      DROP CONSTRAINT IF EXISTS outbound_messages_customer_id_fkey,
      DROP CONSTRAINT IF EXISTS outbound_messages_campaign_id_fkey;
  `.execute(db);
}

/** Drops the slices and puts the index and the foreign keys back (NOT VALID: rows already there are not re-checked). */
export async function down(db: Kysely<any>): Promise<void> {
  await sql`
    DROP TABLE campaign_run_slices;
    ALTER TABLE campaign_recipients
      ADD FOREIGN KEY (campaign_id) REFERENCES campaigns(id) NOT VALID,
      ADD FOREIGN KEY (customer_id) REFERENCES customers(id) NOT VALID,
      ADD FOREIGN KEY (run_id) REFERENCES campaign_runs(id) NOT VALID,
      ADD FOREIGN KEY (card_id) REFERENCES cards(id) NOT VALID;
    CREATE INDEX campaign_recipients_campaign_idx ON campaign_recipients (campaign_id, customer_id);
    ALTER TABLE outbound_messages
      ADD FOREIGN KEY (customer_id) REFERENCES customers(id) NOT VALID,
      ADD FOREIGN KEY (campaign_id) REFERENCES campaigns(id) NOT VALID;
  `.execute(db);
}
