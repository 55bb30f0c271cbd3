// The staging tables an import loads (COPY for a file, JSON for a document) before merging them into
// the live tables. They are temporary: private to the import's connection, never logged.
import { sql } from 'kysely';
import type { Db } from '../../db/schema';

/** The staging tables, each with its columns in COPY order. */
export const STAGE = {
  stage_customers: [
    'line',
    'external_id',
    'name',
    'mobile',
    'locale',
    'time_zone',
    'tier',
    'birthday',
    'points',
    'marketing_consent',
    'greetings_opt_out',
    'as_of',
  ],
  stage_cards: [
    'line',
    'pos',
    'external_id',
    'customer_external_id',
    'last4',
    'pan_hmac',
    'activation_hmac',
    'hash_key_id',
    'product',
    'currency',
    'credit_limit',
    'balance',
    'available_credit',
    'status',
    'expires_on',
    'as_of',
  ],
  stage_statements: ['line', 'external_id', 'card_external_id', 'closing_date', 'due_date', 'balance', 'minimum_due', 'paid_amount', 'currency', 'as_of'],
  stage_transactions: ['line', 'external_id', 'card_external_id', 'amount', 'currency', 'merchant', 'occurred_at'],
} as const;

/** A staging table's name. */
export type StageTable = keyof typeof STAGE;

/** Creates the staging tables for this connection (dropped at its end, or at commit with `onCommitDrop`). */
export async function createStaging(db: Db, opts: { onCommitDrop?: boolean } = {}): Promise<void> {
  const end = sql.raw(opts.onCommitDrop ? 'ON COMMIT DROP' : '');
  await sql`
    CREATE TEMP TABLE IF NOT EXISTS stage_customers (
      line integer NOT NULL, external_id text NOT NULL, name text NOT NULL, mobile text NOT NULL, locale text NOT NULL,
      time_zone text NOT NULL, tier text NOT NULL, birthday date, points integer NOT NULL, marketing_consent boolean NOT NULL,
      greetings_opt_out boolean NOT NULL, as_of timestamptz NOT NULL) ${end};
    CREATE TEMP TABLE IF NOT EXISTS stage_cards (
      line integer NOT NULL, pos integer NOT NULL, external_id text NOT NULL, customer_external_id text NOT NULL, last4 text NOT NULL,
      pan_hmac text NOT NULL, activation_hmac text NOT NULL, hash_key_id text NOT NULL, product text NOT NULL, currency text NOT NULL,
      credit_limit numeric(14,2) NOT NULL, balance numeric(14,2) NOT NULL, available_credit numeric(14,2), status text NOT NULL,
      expires_on date NOT NULL, as_of timestamptz NOT NULL) ${end};
    CREATE TEMP TABLE IF NOT EXISTS stage_statements (
      line integer NOT NULL, external_id text NOT NULL, card_external_id text NOT NULL, closing_date date NOT NULL, due_date date NOT NULL,
      balance numeric(14,2) NOT NULL, minimum_due numeric(14,2) NOT NULL, paid_amount numeric(14,2) NOT NULL, currency text NOT NULL,
      as_of timestamptz NOT NULL) ${end};
    CREATE TEMP TABLE IF NOT EXISTS stage_transactions (
      line integer NOT NULL, external_id text NOT NULL, card_external_id text NOT NULL, amount numeric(14,2) NOT NULL,
      currency text NOT NULL, merchant text NOT NULL, occurred_at timestamptz NOT NULL) ${end}`.execute(db);
}

/** Empties the staging tables for the next batch. */
export async function clearStaging(db: Db): Promise<void> {
  await sql`TRUNCATE stage_customers, stage_cards, stage_statements, stage_transactions`.execute(db);
}

/** Fills a staging table from rows (objects keyed by its columns) in one statement: the document form's way in. */
export async function stageJson(db: Db, table: StageTable, rows: Record<string, unknown>[]): Promise<void> {
  if (rows.length === 0) return;
  const t = sql.table(table);
  await sql`INSERT INTO ${t} SELECT * FROM json_populate_recordset(NULL::${t}, ${JSON.stringify(rows)}::json)`.execute(db);
}

/** Removes the staged rows of refused lines, so the merge leaves them out whole. */
export async function dropStagedLines(db: Db, lines: number[]): Promise<void> {
  if (lines.length === 0) return;
  for (const table of Object.keys(STAGE) as StageTable[]) {
    await sql`DELETE FROM ${sql.table(table)} WHERE line = ANY(${lines}::int[])`.execute(db);
  }
}
