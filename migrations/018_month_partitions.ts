import { type Kysely, sql } from 'kysely';

/**
 * The message tables and the audit trail partitioned by month, so that old months are dropped
 * whole instead of deleted row by row, and indexes stay the size of a month.
 *
 * - `inbound_messages`, `outbound_messages`, `delivery_reports` and `audit_log` become
 *   `PARTITION BY RANGE (id)`. An id says its month: month YYYYMM's ids run from YYYYMM × 10¹⁰
 *   (`2026120000000001` is December 2026's first) and the `partitions` job moves each table's
 *   sequence there when the month begins. Partitioning by id rather than by time keeps every
 *   lookup by id (claims, marks, receipts, replies) on one partition and the primary key on `id`
 *   alone, and ids stay below 2⁵³, so they are exact JavaScript numbers.
 * - The rows already here become one partition, `<table>_until_YYYYMM` (everything up to this
 *   month); partitions for this month's ids and three months ahead are created here, later ones by
 *   the job. Outbound partitions keep fillfactor 70 (hand-off marks stay HOT updates).
 * - A unique index must contain the partition key, so the two that dedupe move to tables of their
 *   own: `inbound_keys` (channel, provider id → text: a provider's retry is recorded once) and
 *   `outbound_keys` (dedupe key → message: a scheduled notice is queued once). The retention job
 *   deletes a month's keys when it drops the month.
 * - The foreign keys between the partitioned tables go (`outbound_messages.inbound_id`,
 *   `outbound_parts.outbound_id`, `delivery_reports.outbound_id`): a reply, part or receipt can
 *   fall in the month after its parent, and a month could not be dropped while a later one points
 *   into it. The rows are written from their parents in the same statement or matched to them, and
 *   a parent is only ever removed with its month.
 *
 * Not a rolling upgrade: processes of the previous release dedupe with `ON CONFLICT` on the indexes
 * this removes, so stop them all before the first process of this release starts (docs/operations.md).
 */
export async function up(db: Kysely<any>): Promise<void> {
  const now = new Date();
  const month = { year: now.getUTCFullYear(), month: now.getUTCMonth() + 1 };
  await sql`
    ALTER TABLE outbound_messages DROP CONSTRAINT outbound_messages_inbound_id_fkey;
    ALTER TABLE outbound_parts DROP CONSTRAINT outbound_parts_outbound_id_fkey;
    ALTER TABLE delivery_reports DROP CONSTRAINT delivery_reports_outbound_id_fkey;

    CREATE TABLE inbound_keys (
      channel text NOT NULL,
      provider_id text NOT NULL,
      inbound_id bigint NOT NULL,
      PRIMARY KEY (channel, provider_id)
    );
    INSERT INTO inbound_keys SELECT channel, provider_id, id FROM inbound_messages;
    CREATE INDEX inbound_keys_inbound_idx ON inbound_keys (inbound_id);
    ALTER TABLE inbound_messages DROP CONSTRAINT inbound_messages_channel_provider_id_key;

    CREATE TABLE outbound_keys (
      dedupe_key text PRIMARY KEY,
      outbound_id bigint NOT NULL
    );
    INSERT INTO outbound_keys SELECT dedupe_key, id FROM outbound_messages WHERE dedupe_key IS NOT NULL;
    CREATE INDEX outbound_keys_outbound_idx ON outbound_keys (outbound_id);
    DROP INDEX outbound_dedupe_idx;
  `.execute(db);
  for (const table of Object.keys(TABLES)) await partition(db, table, month);
}

/** Each partitioned table's indexes (as on the parent) and extra storage settings of its partitions. */
const TABLES: Record<string, { indexes: string[]; with?: string }> = {
  inbound_messages: {
    indexes: [
      'inbound_from_idx ON inbound_messages (from_number, received_at)',
      'inbound_received_brin ON inbound_messages USING brin (received_at)',
      "inbound_sender_pending_idx ON inbound_messages (from_number, received_at) WHERE status = 'received'",
      "inbound_unknown_idx ON inbound_messages (received_at) WHERE command = 'unknown'",
    ],
  },
  outbound_messages: {
    indexes: [
      'outbound_campaign_idx ON outbound_messages (campaign_id, status) WHERE campaign_id IS NOT NULL',
      'outbound_created_brin ON outbound_messages USING brin (created_at)',
      'outbound_customer_idx ON outbound_messages (customer_id, created_at)',
      "outbound_due_idx ON outbound_messages (priority, not_before, id) WHERE status = 'queued'",
      'outbound_inbound_idx ON outbound_messages (inbound_id) WHERE inbound_id IS NOT NULL',
      "outbound_lease_idx ON outbound_messages (locked_until) WHERE status = 'sending' AND locked_until IS NOT NULL",
      'outbound_provider_idx ON outbound_messages (channel, provider_id) WHERE provider_id IS NOT NULL',
      // The history of a number that is nobody's customer (the rest goes by customer_id).
      'outbound_stranger_idx ON outbound_messages (to_number, created_at) WHERE customer_id IS NULL',
    ],
    with: 'fillfactor = 70',
  },
  delivery_reports: {
    indexes: [
      'delivery_reports_unmatched_alternatives_idx ON delivery_reports USING gin (alternatives) WHERE outbound_id IS NULL',
      'delivery_reports_unmatched_idx ON delivery_reports (channel, provider_id) WHERE outbound_id IS NULL',
    ],
  },
  audit_log: {
    indexes: ['audit_log_actor_idx ON audit_log (actor_type, actor_id, at)', 'audit_log_at_idx ON audit_log (at)'],
  },
};

type Month = { year: number; month: number };
const firstId = (m: Month) => (m.year * 100 + m.month) * 1e10;
const next = (m: Month, n = 1): Month => ({ year: m.year + Math.floor((m.month - 1 + n) / 12), month: ((m.month - 1 + n) % 12) + 1 });
const tag = (m: Month) => `${m.year}${String(m.month).padStart(2, '0')}`;

/** Turns one table into a partitioned one: its rows become the first partition, then a partition per month from `month` on. */
async function partition(db: Kysely<any>, table: string, month: Month): Promise<void> {
  const spec = TABLES[table]!;
  const legacy = `${table}_until_${tag(month)}`;
  const { rows: indexes } = await sql<{ name: string }>`
    SELECT indexname AS name FROM pg_indexes WHERE schemaname = current_schema() AND tablename = ${table}`.execute(db);
  const run = (text: string) => sql.raw(text).execute(db);
  await run(`ALTER TABLE ${table} RENAME TO ${legacy}`);
  for (const { name } of indexes) await run(`ALTER INDEX ${name} RENAME TO ${name}_until`);
  await run(`ALTER TABLE ${legacy} ALTER COLUMN id DROP IDENTITY`);
  await run(`CREATE TABLE ${table} (LIKE ${legacy} INCLUDING DEFAULTS INCLUDING CONSTRAINTS) PARTITION BY RANGE (id)`);
  await run(`ALTER TABLE ${table} ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (SEQUENCE NAME ${table}_id_seq START WITH ${firstId(month)})`);
  await run(`ALTER TABLE ${table} ADD CONSTRAINT ${table}_pkey PRIMARY KEY (id)`);
  if (table === 'inbound_messages') {
    await run(`ALTER TABLE ${table} ADD FOREIGN KEY (customer_id) REFERENCES customers(id), ADD FOREIGN KEY (staff_id) REFERENCES staff(id)`);
  }
  for (const index of spec.indexes) await run(`CREATE INDEX ${index}`);
  await run(`ALTER TABLE ${table} ATTACH PARTITION ${legacy} FOR VALUES FROM (MINVALUE) TO (${firstId(month)})`);
  for (let i = 0; i < 4; i++) {
    const m = next(month, i);
    await run(
      `CREATE TABLE ${table}_${tag(m)} PARTITION OF ${table} FOR VALUES FROM (${firstId(m)}) TO (${firstId(next(m))})${spec.with ? ` WITH (${spec.with})` : ''}`,
    );
  }
  if (table === 'audit_log') {
    await run(`DROP TRIGGER audit_log_no_change ON ${legacy}`);
    await run(`CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()`);
    await run(`CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only()`);
    // Row triggers are cloned onto partitions, statement triggers are not: each month refuses TRUNCATE too.
    for (let i = 0; i < 4; i++) {
      await run(
        `CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON ${table}_${tag(next(month, i))} FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only()`,
      );
    }
  }
}

/**
 * Copies each partitioned table back into one plain table (ids kept, the sequence after the last),
 * with the unique indexes, foreign keys and triggers of migration 017; the key tables go.
 */
export async function down(db: Kysely<any>): Promise<void> {
  const run = (text: string) => sql.raw(text).execute(db);
  for (const [table, spec] of Object.entries(TABLES)) {
    await run(`CREATE TABLE ${table}_plain (LIKE ${table} INCLUDING DEFAULTS INCLUDING CONSTRAINTS)${spec.with ? ` WITH (${spec.with})` : ''}`);
    await run(`INSERT INTO ${table}_plain SELECT * FROM ${table}`);
    await run(`DROP TABLE ${table}`);
    await run(`ALTER TABLE ${table}_plain RENAME TO ${table}`);
    await run(`ALTER TABLE ${table} ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (SEQUENCE NAME ${table}_id_seq)`);
    await run(`SELECT setval('${table}_id_seq', coalesce((SELECT max(id) FROM ${table}), 0) + 1, false)`);
    await run(`ALTER TABLE ${table} ADD CONSTRAINT ${table}_pkey PRIMARY KEY (id)`);
    for (const index of spec.indexes.filter((i) => !i.startsWith('outbound_stranger_idx'))) await run(`CREATE INDEX ${index}`);
  }
  await sql`
    ALTER TABLE inbound_messages ADD CONSTRAINT inbound_messages_channel_provider_id_key UNIQUE (channel, provider_id),
      ADD FOREIGN KEY (customer_id) REFERENCES customers(id), ADD FOREIGN KEY (staff_id) REFERENCES staff(id);
    CREATE UNIQUE INDEX outbound_dedupe_idx ON outbound_messages (dedupe_key) WHERE dedupe_key IS NOT NULL;
    ALTER TABLE outbound_messages ADD FOREIGN KEY (inbound_id) REFERENCES inbound_messages(id) NOT VALID;
    ALTER TABLE outbound_parts ADD FOREIGN KEY (outbound_id) REFERENCES outbound_messages(id) NOT VALID;
    ALTER TABLE delivery_reports ADD FOREIGN KEY (outbound_id) REFERENCES outbound_messages(id) NOT VALID;
    CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
    CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();
    DROP TABLE inbound_keys, outbound_keys;
  `.execute(db);
}
