import { sql } from 'kysely';
import type { Db } from './schema';

/** A calendar month (UTC). */
export interface Month {
  year: number;
  month: number;
}

/** The tables partitioned by month (migration 018), the storage settings of their partitions, and whose retention applies. */
export const PARTITIONED: Record<string, { with?: string; keep: 'messages' | 'audit' }> = {
  inbound_messages: { keep: 'messages' },
  outbound_messages: { with: 'fillfactor = 70', keep: 'messages' },
  delivery_reports: { keep: 'messages' },
  audit_log: { keep: 'audit' },
};

/** The month an instant falls in (UTC). */
export const monthOf = (at: Date): Month => ({ year: at.getUTCFullYear(), month: at.getUTCMonth() + 1 });

/** The month `n` months after (or before, negative) `m`. */
export function addMonths(m: Month, n: number): Month {
  const i = m.year * 12 + (m.month - 1) + n;
  return { year: Math.floor(i / 12), month: (i % 12) + 1 };
}

/** The first id of a month: YYYYMM × 10¹⁰ (`2026120000000000`), exact as a JavaScript number until year 9007. */
export const firstIdOf = (m: Month): number => (m.year * 100 + m.month) * 1e10;

/** Ids below this are from before migration 018 (an identity sequence's small numbers): the upgrade partition. */
export const UPGRADE_IDS_BELOW = 1e15;

/**
 * A condition that keeps a query by something other than id to the partitions of messages from
 * `days` before `now` up to this month (and the upgrade partition; not the months made ahead): a receipt names a message sent days ago, not
 * a year ago, so its lookup reads two months' indexes instead of every month's.
 */
export function recentIds(column: string, now: Date, days: number) {
  const floor = firstIdOf(monthOf(new Date(now.getTime() - days * 86_400_000)));
  const ceiling = firstIdOf(addMonths(monthOf(now), 1));
  const ref = sql.ref(column);
  return sql<boolean>`((${ref} >= ${floor}::bigint OR ${ref} < ${UPGRADE_IDS_BELOW}::bigint) AND ${ref} < ${ceiling}::bigint)`;
}

/**
 * `column = ANY(ids)` with the ids' range beside it: a prepared statement's generic plan cannot
 * prune partitions by an array parameter, but it prunes by `BETWEEN` at executor start, so a batch
 * of this month's ids reads this month's partition only, not every month's primary key.
 */
export function idIn(column: string, ids: readonly number[]) {
  const ref = sql.ref(column);
  const list = [...ids];
  if (list.length === 0) return sql<boolean>`false`;
  return sql<boolean>`(${ref} = ANY(${list}::bigint[]) AND ${ref} BETWEEN ${Math.min(...list)}::bigint AND ${Math.max(...list)}::bigint)`;
}

/**
 * The id ranges of the `months` months up to `now`'s, newest first, then one range for every id
 * before them: a query that walks them in order reads one month's partitions at a time and can
 * stop early, and at worst reads the rest in one statement.
 */
export function monthWindows(now: Date, months: number): { from: number; to: number }[] {
  const windows = [];
  for (let i = 0; i < months; i++) {
    const m = addMonths(monthOf(now), -i);
    windows.push({ from: firstIdOf(m), to: firstIdOf(addMonths(m, 1)) });
  }
  windows.push({ from: Number.MIN_SAFE_INTEGER, to: windows.at(-1)!.from });
  return windows;
}

/**
 * A batch update's per-row values without a join: `pick('text', values)` is the element of `values`
 * at the position of the row's `column` in `ids`. Joined with `unnest`, the planner could pick a
 * nested loop whose every probe walked the whole id array again (on a partitioned table it did:
 * 149 µs a row, half the campaign drain rate).
 */
export function byPosition(column: string, ids: readonly number[]) {
  const list = [...ids];
  return (type: string, values: readonly unknown[]) => sql`(${[...values]}::${sql.raw(type)}[])[array_position(${list}::bigint[], ${sql.ref(column)})]`;
}

/** A month's partition name suffix, `YYYYMM`. */
const tag = (m: Month) => `${m.year}${String(m.month).padStart(2, '0')}`;

/**
 * Creates each table's partitions from `now`'s month to `ahead` months on (those missing), then moves
 * each table's id sequence to this month's first id if it is still below it: the month's rows go to
 * the month's partition from then on. The move happens once, under an advisory lock, and only forward.
 * Creating a partition locks its table: one that waits past `lockTimeoutMs` is left for the next run.
 */
export async function ensurePartitions(db: Db, now: Date, ahead = 3, lockTimeoutMs = 5000): Promise<{ created: number; moved: number }> {
  const current = monthOf(now);
  const existing = await listPartitions(db);
  let created = 0;
  let moved = 0;
  for (const [table, spec] of Object.entries(PARTITIONED)) {
    const mine = existing.filter((p) => p.table === table);
    let ready = true; // this month's partition is there: the sequence may move into it
    for (let i = 0; i <= ahead; i++) {
      const m = addMonths(current, i);
      if (mine.some((p) => p.toId > firstIdOf(m) && (p.fromId ?? -Infinity) <= firstIdOf(m))) continue;
      const name = `${table}_${tag(m)}`;
      const statements = [
        `CREATE TABLE IF NOT EXISTS ${name} PARTITION OF ${table} FOR VALUES FROM (${firstIdOf(m)}) TO (${firstIdOf(addMonths(m, 1))})${spec.with ? ` WITH (${spec.with})` : ''}`,
        // TRUNCATE of one month of the audit trail is refused like TRUNCATE of all of it (row triggers are cloned, this one is not).
        ...(table === 'audit_log'
          ? [`CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON ${name} FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only()`]
          : []),
      ];
      if (await underLockTimeout(db, lockTimeoutMs, statements)) created++;
      else if (i === 0) ready = false;
    }
    if (!ready) continue;
    moved += await db.transaction().execute(async (trx) => {
      await sql`SELECT pg_advisory_xact_lock(hashtext(${`uplink:ids:${table}`}))`.execute(trx);
      const seq = sql.raw(`${table}_id_seq`);
      const { rows } = await sql<{ moved: boolean }>`
        SELECT setval(${`${table}_id_seq`}::regclass, ${firstIdOf(current)}::bigint, false) IS NOT NULL AS moved
          FROM ${seq} WHERE last_value < ${firstIdOf(current)}::bigint`.execute(trx);
      return rows.length;
    });
  }
  return { created, moved };
}

/** One partition of a partitioned table, with the last month its rows may be from and the id range it holds. */
export interface Partition {
  table: string;
  name: string;
  month: Month;
  fromId: number | null;
  toId: number;
}

/** The partitions of the month-partitioned tables: `<table>_YYYYMM` and the upgrade's `<table>_until_YYYYMM` (ids below YYYYMM's). */
export async function listPartitions(db: Db): Promise<Partition[]> {
  const { rows } = await sql<{ parent: string; name: string }>`
    SELECT p.relname AS parent, c.relname AS name
      FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_class p ON p.oid = i.inhparent
     WHERE p.relname = ANY(${Object.keys(PARTITIONED)}::text[]) AND p.relnamespace = current_schema()::regnamespace
     ORDER BY c.relname`.execute(db);
  const out: Partition[] = [];
  for (const r of rows) {
    const found = /_(until_)?(\d{4})(\d{2})$/.exec(r.name);
    if (!found) continue;
    const month = { year: Number(found[2]), month: Number(found[3]) };
    out.push(
      found[1]
        ? { table: r.parent, name: r.name, month, fromId: null, toId: firstIdOf(month) }
        : { table: r.parent, name: r.name, month, fromId: firstIdOf(month), toId: firstIdOf(addMonths(month, 1)) },
    );
  }
  return out;
}

/** How many whole months of each kind of table are kept before the current one. */
export interface Retention {
  messages: number;
  audit: number;
}

/**
 * Detaches and drops every partition whose rows are all older than its table's retention (its month
 * before the current month minus RETENTION_MONTHS, or AUDIT_RETENTION_MONTHS for the audit trail),
 * after deleting the dedupe keys and message parts of the ids it holds, 10,000 rows per statement.
 * A partition busy past `lockTimeoutMs` is left for the next run. Returns the partitions dropped.
 */
export async function dropExpiredPartitions(db: Db, now: Date, keep: Retention, lockTimeoutMs = 5000): Promise<string[]> {
  const current = monthOf(now);
  const dropped: string[] = [];
  for (const p of await listPartitions(db)) {
    const cutoff = addMonths(current, -keep[PARTITIONED[p.table]!.keep]);
    if (p.month.year * 12 + p.month.month >= cutoff.year * 12 + cutoff.month) continue;
    // Keys and parts first: if this run stops half way, the partition is still listed and the next run finishes.
    if (p.table === 'inbound_messages') await deleteRange(db, 'inbound_keys', 'inbound_id', p);
    if (p.table === 'outbound_messages') {
      await deleteRange(db, 'outbound_keys', 'outbound_id', p);
      await deleteRange(db, 'outbound_parts', 'outbound_id', p);
    }
    if (await underLockTimeout(db, lockTimeoutMs, [`ALTER TABLE ${p.table} DETACH PARTITION ${p.name}`, `DROP TABLE ${p.name}`])) dropped.push(p.name);
  }
  return dropped;
}

/** Runs `statements` in one transaction, waiting at most `ms` for each lock; false if a lock was busy (nothing done). */
async function underLockTimeout(db: Db, ms: number, statements: string[]): Promise<boolean> {
  return db
    .transaction()
    .execute(async (trx) => {
      await sql.raw(`SET LOCAL lock_timeout = ${Math.max(1, Math.round(ms))}`).execute(trx);
      for (const statement of statements) await sql.raw(statement).execute(trx);
      return true;
    })
    .catch((err: unknown) => {
      if ((err as { code?: string }).code === '55P03') return false; // lock_not_available: busy, next run
      throw err;
    });
}

/** Deletes a partition's dependent rows (`column` in its id range), in statements of 10,000 rows. */
async function deleteRange(db: Db, table: 'inbound_keys' | 'outbound_keys' | 'outbound_parts', column: string, p: Partition): Promise<void> {
  const lower = p.fromId === null ? sql`true` : sql`${sql.ref(column)} >= ${p.fromId}::bigint`;
  for (;;) {
    const { numAffectedRows } = await sql`
      DELETE FROM ${sql.table(table)} WHERE ctid = ANY(ARRAY(
        SELECT ctid FROM ${sql.table(table)} WHERE ${lower} AND ${sql.ref(column)} < ${p.toId}::bigint LIMIT 10000))`.execute(db);
    if (Number(numAffectedRows ?? 0) < 10000) return;
  }
}
