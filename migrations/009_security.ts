import { type Kysely, sql } from 'kysely';
import { maskCardNumbers, maskCardNumbersIn } from '../src/shared/card-mask';

/** Free-text columns that may hold a card number typed or pasted before masking covered every form. */
const FREE_TEXT: { table: string; column: string; json?: boolean }[] = [
  { table: 'inbound_messages', column: 'text' },
  { table: 'outbound_messages', column: 'body' },
  { table: 'case_notes', column: 'note' },
  { table: 'cases', column: 'outcome' },
  { table: 'registrations', column: 'reason' },
  { table: 'events', column: 'venue' },
  { table: 'events', column: 'title', json: true },
  { table: 'transactions', column: 'merchant' },
  { table: 'audit_log', column: 'details', json: true },
];

/** Masks card numbers already stored in one column, 1,000 rows at a time by id. */
async function maskColumn(db: Kysely<any>, { table, column, json }: (typeof FREE_TEXT)[number]): Promise<void> {
  for (let after = 0; ;) {
    const { rows } = await sql<{ id: number; value: unknown }>`
      SELECT id, ${sql.ref(column)} AS value FROM ${sql.table(table)} WHERE id > ${after} ORDER BY id LIMIT 1000`.execute(db);
    if (rows.length === 0) return;
    after = Number(rows[rows.length - 1].id);
    const changed = rows.flatMap((r) => {
      if (r.value === null) return [];
      const masked = json ? JSON.stringify(maskCardNumbersIn(r.value)) : maskCardNumbers(r.value as string);
      return masked !== (json ? JSON.stringify(r.value) : r.value) ? [{ id: r.id, masked }] : [];
    });
    if (changed.length === 0) continue;
    await sql`
      UPDATE ${sql.table(table)} t SET ${sql.ref(column)} = u.masked${json ? sql`::jsonb` : sql``}
        FROM unnest(${changed.map((c) => c.id)}::bigint[], ${changed.map((c) => c.masked)}::text[]) AS u(id, masked)
       WHERE t.id = u.id`.execute(db);
  }
}

/**
 * Security (issue 15): the key id of each card hash; staff tokens that expire and record their last
 * use; the last STOP confirmation per number; message bodies purged after the retention period
 * (BRIN indexes by age: near-free on insert); card numbers masked in text stored before; and an
 * audit trail the application can only append to.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    -- Which key made pan_hmac and activation_hmac (a fingerprint of CARD_HASH_SECRET); stamped at
    -- start for rows from before, then set by every import.
    ALTER TABLE cards ADD COLUMN hash_key_id text;
    ALTER TABLE staff ADD COLUMN token_issued_at timestamptz, ADD COLUMN last_used_at timestamptz;
    UPDATE staff SET token_issued_at = now() WHERE token_hash IS NOT NULL;
    -- When STOP was last answered per number: at most once in 24 hours, START or not in between.
    CREATE TABLE stop_confirmations (
      mobile text PRIMARY KEY,
      confirmed_at timestamptz NOT NULL
    );
    ALTER TABLE inbound_messages ADD COLUMN purged_at timestamptz;
    ALTER TABLE outbound_messages ADD COLUMN purged_at timestamptz;
    CREATE INDEX inbound_received_brin ON inbound_messages USING brin (received_at);
    CREATE INDEX outbound_created_brin ON outbound_messages USING brin (created_at);
  `.execute(db);
  for (const c of FREE_TEXT) await maskColumn(db, c);
  // Parts of texts not yet complete have no id: few rows (a set completes or is flushed within minutes).
  const { rows: parts } = await sql<{ channel: string; sender: string; ref: number; total: number; seq: number; text: string }>`
    SELECT channel, sender, ref, total, seq, text FROM inbound_parts`.execute(db);
  for (const p of parts) {
    const masked = maskCardNumbers(p.text);
    if (masked === p.text) continue;
    await sql`UPDATE inbound_parts SET text = ${masked}
               WHERE channel = ${p.channel} AND sender = ${p.sender} AND ref = ${p.ref} AND total = ${p.total} AND seq = ${p.seq}`.execute(db);
  }
  await sql`
    CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      RAISE EXCEPTION 'audit_log is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
    END $$;
    CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
    CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();
  `.execute(db);
}

/** Reverts the security columns, indexes and the audit trigger (masked text stays masked). */
export async function down(db: Kysely<any>): Promise<void> {
  await sql`
    DROP TRIGGER audit_log_no_truncate ON audit_log;
    DROP TRIGGER audit_log_no_change ON audit_log;
    DROP FUNCTION audit_log_append_only();
    DROP INDEX outbound_created_brin, inbound_received_brin;
    ALTER TABLE outbound_messages DROP COLUMN purged_at;
    ALTER TABLE inbound_messages DROP COLUMN purged_at;
    DROP TABLE stop_confirmations;
    ALTER TABLE staff DROP COLUMN last_used_at, DROP COLUMN token_issued_at;
    ALTER TABLE cards DROP COLUMN hash_key_id;
  `.execute(db);
}
