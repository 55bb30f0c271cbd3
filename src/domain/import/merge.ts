// Merges the staging tables into the live ones with INSERT … ON CONFLICT, one statement per table.
// A staged row is newer than the live one when its as_of is at least the live (as_of, version): a
// file of the same moment applies again (a corrected file), an older one leaves what the card
// system said since (a live change) alone. Every row the file carries is stamped with the run.
import { type RawBuilder, sql } from 'kysely';
import type { Db } from '../../db/schema';

/** What a merge did to one table. */
export interface MergeCounts {
  inserted: number;
  updated: number;
  unchanged: number;
}

/** A staged line the live data refuses (a mobile or card number that belongs to another record). */
export interface StagedProblem {
  line: number;
  path: string;
  message: string;
}

/**
 * Lines whose mobile or card number belongs to another record, or (with a run) whose customer or
 * card an earlier line of the same run already carried.
 */
export async function stagedConflicts(db: Db, run: number | null): Promise<StagedProblem[]> {
  const repeat = run
    ? sql`UNION ALL
      SELECT s.line, 'externalId', 'customer ' || s.external_id || ' is on an earlier line of this file'
        FROM stage_customers s JOIN customers c ON c.external_id = s.external_id AND c.import_run = ${run}
      UNION ALL
      SELECT s.line, 'cards[' || s.pos || '].externalId', 'card ' || s.external_id || ' is on an earlier line of this file'
        FROM stage_cards s JOIN cards k ON k.external_id = s.external_id AND k.import_run = ${run}`
    : sql``;
  const { rows } = await sql<StagedProblem>`
    SELECT s.line, 'mobile' AS path, 'already registered to customer ' || c.external_id AS message
      FROM stage_customers s JOIN customers c ON c.mobile = s.mobile AND c.external_id <> s.external_id
    UNION ALL
    SELECT s.line, 'cards[' || s.pos || '].pan', 'already registered as card ' || k.external_id
      FROM stage_cards s JOIN cards k ON k.pan_hmac = s.pan_hmac AND k.external_id <> s.external_id
    ${repeat}`.execute(db);
  return rows;
}

/** `col = CASE WHEN <fresh> THEN EXCLUDED.col ELSE <alias>.col END` for each column. */
function whenFresh(alias: string, fresh: string, columns: readonly string[]): RawBuilder<unknown> {
  return sql.raw(columns.map((c) => `${c} = CASE WHEN ${fresh} THEN EXCLUDED.${c} ELSE ${alias}.${c} END`).join(',\n'));
}

/** Inserted, updated and unchanged counts from a statement's `old` rows. */
async function counted(db: Db, query: RawBuilder<{ inserted: number; updated: number; unchanged: number }>): Promise<MergeCounts> {
  const { rows } = await query.execute(db);
  const r = rows[0];
  return { inserted: Number(r?.inserted ?? 0), updated: Number(r?.updated ?? 0), unchanged: Number(r?.unchanged ?? 0) };
}

const COUNTS = sql.raw(`SELECT count(*) FILTER (WHERE inserted) AS inserted, count(*) FILTER (WHERE NOT inserted AND NOT unchanged) AS updated,
  count(*) FILTER (WHERE unchanged) AS unchanged FROM old`);

const PROFILE = ['name', 'mobile', 'locale', 'time_zone', 'tier', 'birthday', 'marketing_consent', 'greetings_opt_out'] as const;

/** Merges staged customers; a customer closed by an earlier snapshot comes back. */
export async function mergeCustomers(db: Db, run: number | null): Promise<MergeCounts> {
  const cols = sql.raw(PROFILE.join(', '));
  const fresh = '(EXCLUDED.as_of, 0::bigint) >= (c.as_of, c.as_of_version)';
  const freshPoints = '(EXCLUDED.points_as_of, 0::bigint) >= (c.points_as_of, c.points_version)';
  return counted(
    db,
    sql`WITH old AS (
      SELECT c.id IS NULL AS inserted,
             c.id IS NOT NULL AND c.closed_at IS NULL
               AND ((c.as_of, c.as_of_version) > (s.as_of, 0::bigint) OR (${sql.raw(PROFILE.map((p) => `c.${p}`).join(', '))}) IS NOT DISTINCT FROM (${sql.raw(PROFILE.map((p) => `s.${p}`).join(', '))}))
               AND ((c.points_as_of, c.points_version) > (s.as_of, 0::bigint) OR c.points = s.points) AS unchanged
        FROM stage_customers s LEFT JOIN customers c ON c.external_id = s.external_id
    ), merged AS (
      INSERT INTO customers AS c (external_id, ${cols}, points, as_of, points_as_of, import_run)
      SELECT external_id, ${cols}, points, as_of, as_of, ${run}::int FROM stage_customers
      ON CONFLICT (external_id) DO UPDATE SET
        ${whenFresh('c', fresh, [...PROFILE, 'as_of', 'as_of_version'])},
        ${whenFresh('c', freshPoints, ['points', 'points_as_of', 'points_version'])},
        closed_at = NULL, import_run = coalesce(EXCLUDED.import_run, c.import_run), updated_at = now()
    ) ${COUNTS}`,
  );
}

const CARD = [
  'customer_id',
  'last4',
  'pan_hmac',
  'activation_hmac',
  'product',
  'currency',
  'credit_limit',
  'balance',
  'available_credit',
  'expires_on',
] as const;

/**
 * Merges staged cards. A status Uplink set itself after the file's moment (an activation or LOST by
 * SMS the card system had not yet seen) is kept.
 */
export async function mergeCards(db: Db, run: number | null): Promise<MergeCounts> {
  const cols = sql.raw([...CARD, 'status'].join(', '));
  const fresh = '(EXCLUDED.as_of, 0::bigint) >= (k.as_of, k.as_of_version)';
  return counted(
    db,
    sql`WITH src AS (
      SELECT s.*, c.id AS customer_id FROM stage_cards s JOIN customers c ON c.external_id = s.customer_external_id
    ), old AS (
      SELECT k.id IS NULL AS inserted,
             k.id IS NOT NULL AND ((k.as_of, k.as_of_version) > (s.as_of, 0::bigint)
               OR (${sql.raw([...CARD, 'status'].map((p) => `k.${p}`).join(', '))}) IS NOT DISTINCT FROM (${sql.raw([...CARD, 'status'].map((p) => `s.${p}`).join(', '))})) AS unchanged
        FROM src s LEFT JOIN cards k ON k.external_id = s.external_id
    ), merged AS (
      INSERT INTO cards AS k (external_id, ${cols}, as_of, import_run)
      SELECT external_id, ${cols}, as_of, ${run}::int FROM src
      ON CONFLICT (external_id) DO UPDATE SET
        ${whenFresh('k', fresh, [...CARD, 'as_of', 'as_of_version'])},
        status = CASE WHEN ${sql.raw(fresh)} AND NOT coalesce(k.local_status_at > EXCLUDED.as_of, false) THEN EXCLUDED.status ELSE k.status END,
        import_run = coalesce(EXCLUDED.import_run, k.import_run), updated_at = now()
    ) ${COUNTS}`,
  );
}

const STATEMENT = ['card_id', 'closing_date', 'due_date', 'balance', 'minimum_due', 'paid_amount', 'currency'] as const;

/** Merges staged statements (by external id, under their card). */
export async function mergeStatements(db: Db): Promise<MergeCounts> {
  const cols = sql.raw(STATEMENT.join(', '));
  const fresh = '(EXCLUDED.as_of, 0::bigint) >= (t.as_of, t.as_of_version)';
  return counted(
    db,
    sql`WITH src AS (
      SELECT s.*, k.id AS card_id FROM stage_statements s JOIN cards k ON k.external_id = s.card_external_id
    ), old AS (
      SELECT t.id IS NULL AS inserted,
             t.id IS NOT NULL AND ((t.as_of, t.as_of_version) > (s.as_of, 0::bigint)
               OR (${sql.raw(STATEMENT.map((p) => `t.${p}`).join(', '))}) IS NOT DISTINCT FROM (${sql.raw(STATEMENT.map((p) => `s.${p}`).join(', '))})) AS unchanged
        FROM src s LEFT JOIN statements t ON t.external_id = s.external_id
    ), merged AS (
      INSERT INTO statements AS t (external_id, ${cols}, as_of)
      SELECT external_id, ${cols}, as_of FROM src
      ON CONFLICT (external_id) DO UPDATE SET ${whenFresh('t', fresh, [...STATEMENT, 'as_of', 'as_of_version'])}
    ) ${COUNTS}`,
  );
}

const TRANSACTION = ['card_id', 'amount', 'currency', 'merchant', 'occurred_at'] as const;

/** Merges staged transactions (by external id). */
export async function mergeTransactions(db: Db): Promise<MergeCounts> {
  const cols = sql.raw(TRANSACTION.join(', '));
  return counted(
    db,
    sql`WITH src AS (
      SELECT s.*, k.id AS card_id FROM stage_transactions s JOIN cards k ON k.external_id = s.card_external_id
    ), old AS (
      SELECT t.id IS NULL AS inserted,
             t.id IS NOT NULL AND (${sql.raw(TRANSACTION.map((p) => `t.${p}`).join(', '))}) IS NOT DISTINCT FROM (${sql.raw(TRANSACTION.map((p) => `s.${p}`).join(', '))}) AS unchanged
        FROM src s LEFT JOIN transactions t ON t.external_id = s.external_id
    ), merged AS (
      INSERT INTO transactions AS t (external_id, ${cols}) SELECT external_id, ${cols} FROM src
      ON CONFLICT (external_id) DO UPDATE SET ${sql.raw(TRANSACTION.map((c) => `${c} = EXCLUDED.${c}`).join(', '))}
    ) ${COUNTS}`,
  );
}

/** What one batch's merge did, by table. */
export interface BatchCounts {
  customers: MergeCounts;
  cards: MergeCounts;
  statements: MergeCounts;
  transactions: MergeCounts;
}

/** Merges every staging table, parents first. */
export async function mergeStaged(db: Db, run: number | null): Promise<BatchCounts> {
  const customers = await mergeCustomers(db, run);
  const cards = await mergeCards(db, run);
  const statements = await mergeStatements(db);
  const transactions = await mergeTransactions(db);
  return { customers, cards, statements, transactions };
}
