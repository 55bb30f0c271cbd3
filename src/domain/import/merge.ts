// Merges the staging tables into the live ones, one statement per table: found rows updated by id,
// the others inserted.
// A staged row is newer than the live one when its as_of is at least the live (as_of, version): a
// file of the same moment applies again (a corrected file), an older one leaves what the card
// system said since (a live change) alone. Every row the file carries is stamped with the run.
import { sql } from 'kysely';
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
 * card an earlier line of the same run already carried. Each staged record is looked up once by its
 * external id; the mobile and card-number indexes are asked only when the value is new for it (on a
 * nightly update, almost never).
 */
export async function stagedConflicts(db: Db, run: number | null): Promise<StagedProblem[]> {
  const { rows } = await sql<StagedProblem>`
    WITH cu AS MATERIALIZED (
      SELECT s.line, s.external_id, s.mobile, mine.import_run AS run, mine.mobile AS had
        FROM stage_customers s LEFT JOIN customers mine ON mine.external_id = s.external_id
    ), ca AS MATERIALIZED (
      SELECT s.line, s.pos, s.external_id, s.pan_hmac, mine.import_run AS run, mine.pan_hmac AS had
        FROM stage_cards s LEFT JOIN cards mine ON mine.external_id = s.external_id
    )
    SELECT cu.line, 'mobile' AS path, 'already registered to customer ' || o.external_id AS message
      FROM cu JOIN customers o ON o.mobile = cu.mobile AND o.external_id <> cu.external_id WHERE cu.had IS DISTINCT FROM cu.mobile
    UNION ALL
    SELECT ca.line, 'cards[' || ca.pos || '].pan', 'already registered as card ' || o.external_id
      FROM ca JOIN cards o ON o.pan_hmac = ca.pan_hmac AND o.external_id <> ca.external_id WHERE ca.had IS DISTINCT FROM ca.pan_hmac
    UNION ALL
    SELECT line, 'externalId', 'customer ' || external_id || ' is on an earlier line of this file' FROM cu WHERE run = ${run}::int
    UNION ALL
    SELECT line, 'cards[' || pos || '].externalId', 'card ' || external_id || ' is on an earlier line of this file' FROM ca WHERE run = ${run}::int`.execute(
    db,
  );
  return rows;
}

/**
 * Thrown by a quick merge that met a live customer or card it leaves to the conflict query: one an
 * earlier batch of the run carried, or one the file gives a mobile or card number another holds.
 */
export class NeedsCheck extends Error {
  constructor(table: string) {
    super(`a ${table} record of this batch needs the conflict check`);
  }
}

/**
 * True when a quick merge (no conflict check before it) must be done again after `stagedConflicts`:
 * it met a record an earlier batch carried, or a key already held: a mobile or external id
 * (unique violation, 23505) or a card number (exclusion violation, 23P01) of another record,
 * including one another session inserted since the merge looked.
 */
export function needsFullCheck(err: unknown): boolean {
  const code = (err as { code?: string }).code;
  return err instanceof NeedsCheck || code === '23505' || code === '23P01';
}

/** The incoming value of a column: `EXCLUDED.col` in ON CONFLICT, the staged expression in the UPDATE. */
type Incoming = (column: string) => string;

/** `col = CASE WHEN <fresh> THEN <incoming col> ELSE t.col END` for each column. */
function whenFresh(fresh: string, columns: readonly string[], v: Incoming): string {
  return columns.map((c) => `${c} = CASE WHEN ${fresh} THEN ${v(c)} ELSE t.${c} END`).join(',\n');
}

/** The live row holds the same values as the staged one. */
function same(columns: readonly string[]): string {
  return `(${columns.map((c) => `t.${c}`).join(', ')}) IS NOT DISTINCT FROM (${columns.map((c) => `s.${c}`).join(', ')})`;
}

/** The staged row (as of the file's moment) is at least as new as the live one. */
const fresh = (v: Incoming) => `(${v('as_of')}, 0::bigint) >= (t.as_of, t.as_of_version)`;
/** The live row was changed by the card system after the file's moment. */
const NEWER_HERE = '(t.as_of, t.as_of_version) > (s.as_of, 0::bigint)';

/** One table's merge: what it reads, how a row counts as unchanged, what it writes. */
interface MergeSpec {
  table: string;
  /** The staged rows, with their parent's id. */
  src: string;
  /** Over the staged row `s` and the live one `t`: nothing would change. */
  unchanged: string;
  /** Each column written and its staged value (a column of `src`, or SQL). */
  columns: readonly (readonly [string, string])[];
  /** The SET list of an existing row. */
  set: (v: Incoming) => string;
  /**
   * Over the staged row `s` and the live one `t` (NULL for a new record): the quick merge leaves it to
   * the conflict query. A live row newer than the file keeps its own mobile or card number, so a
   * clash of the file's value would meet no index: a changed one that another record holds is
   * checked (the conflict query's own rule, asked only of the rows that change it), as is a record
   * an earlier batch of the run carried.
   */
  recheck?: string;
}

/**
 * How a batch is merged. `quick`: no conflict query ran first, so a live record it would have to
 * judge throws `NeedsCheck` (see `MergeSpec.recheck`), and a new row is inserted without ON
 * CONFLICT (a key taken meanwhile is a unique or exclusion violation): the caller rolls back and
 * merges again after the query.
 */
export interface MergeMode {
  run: number | null;
  quick?: boolean;
}

/**
 * One table's merge: staged rows (`src`, with their parent's id) looked up once by external id;
 * the ones found are updated by id, the others inserted (ON CONFLICT still catches one inserted
 * since, unless `quick`: see `MergeMode`), counting what was inserted, updated and left unchanged
 * (as the rows stood before the statement). An update by id writes the new row version only; ON
 * CONFLICT DO UPDATE first locked the row (a WAL record of its own) after probing the external id
 * a second time.
 */
async function merge(db: Db, quick: boolean | undefined, m: MergeSpec): Promise<MergeCounts> {
  const staged = new Map(m.columns);
  const cols = m.columns.map(([c]) => c).join(', ');
  const vals = m.columns.map(([, v]) => v).join(', ');
  // A column the insert leaves to its default (the versions) comes in as that default: 0.
  const fromStage: Incoming = (c) => {
    const v = staged.get(c);
    if (v === undefined) return '0::bigint';
    return /^[a-z_][a-z0-9_]*$/.test(v) ? `s.${v}` : v;
  };
  const recheck = quick && m.recheck ? m.recheck : 'false';
  const onConflict = quick ? '' : `ON CONFLICT (external_id) DO UPDATE SET ${m.set((c) => `EXCLUDED.${c}`)}`;
  const { rows } = await sql<MergeCounts & { recheck: number }>`${sql.raw(`
    WITH src AS (${m.src}),
    old AS MATERIALIZED (
      SELECT s.*, t.id AS live_id, t.id IS NOT NULL AND (${m.unchanged}) AS unchanged, coalesce(${recheck}, false) AS recheck
        FROM src s LEFT JOIN ${m.table} t ON t.external_id = s.external_id
    ), updated AS (
      UPDATE ${m.table} AS t SET ${m.set(fromStage)} FROM old s WHERE s.live_id IS NOT NULL AND t.id = s.live_id
    ), inserted AS (
      INSERT INTO ${m.table} AS t (external_id, ${cols}) SELECT external_id, ${vals} FROM old WHERE live_id IS NULL ${onConflict}
    )
    SELECT count(*) FILTER (WHERE live_id IS NULL) AS inserted, count(*) FILTER (WHERE live_id IS NOT NULL AND NOT unchanged) AS updated,
           count(*) FILTER (WHERE unchanged) AS unchanged, count(*) FILTER (WHERE recheck) AS recheck FROM old`)}`.execute(db);
  const r = rows[0];
  if (Number(r?.recheck ?? 0) > 0) throw new NeedsCheck(m.table);
  return { inserted: Number(r?.inserted ?? 0), updated: Number(r?.updated ?? 0), unchanged: Number(r?.unchanged ?? 0) };
}

/** The run as SQL (an integer or NULL). */
const runSql = (run: number | null) => (run === null ? 'NULL::int' : `${Math.trunc(run)}::int`);
/** Each column staged under its own name. */
const own = (columns: readonly string[]) => columns.map((c) => [c, c] as const);

const PROFILE = ['name', 'mobile', 'locale', 'time_zone', 'tier', 'birthday', 'marketing_consent', 'greetings_opt_out'] as const;

/** Merges staged customers; a customer closed by an earlier snapshot comes back. */
export async function mergeCustomers(db: Db, { run, quick }: MergeMode): Promise<MergeCounts> {
  const freshPoints = (v: Incoming) => `(${v('points_as_of')}, 0::bigint) >= (t.points_as_of, t.points_version)`;
  return merge(db, quick, {
    table: 'customers',
    src: 'SELECT * FROM stage_customers',
    unchanged: `t.closed_at IS NULL AND (${NEWER_HERE} OR ${same(PROFILE)})
      AND ((t.points_as_of, t.points_version) > (s.as_of, 0::bigint) OR t.points = s.points)`,
    columns: [...own([...PROFILE, 'points', 'as_of']), ['points_as_of', 'as_of'], ['import_run', runSql(run)]],
    set: (v) => `${whenFresh(fresh(v), [...PROFILE, 'as_of', 'as_of_version'], v)},
      ${whenFresh(freshPoints(v), ['points', 'points_as_of', 'points_version'], v)},
      closed_at = NULL, import_run = coalesce(${v('import_run')}, t.import_run), updated_at = now()`,
    recheck: `t.import_run = ${runSql(run)}
      OR (t.mobile <> s.mobile AND EXISTS (SELECT 1 FROM customers o WHERE o.mobile = s.mobile AND o.external_id <> s.external_id))`,
  });
}

const CARD = [
  'customer_id',
  'last4',
  'pan_hmac',
  'activation_hmac',
  'hash_key_id',
  'product',
  'currency',
  'credit_limit',
  'balance',
  'available_credit',
  'expires_on',
];

/**
 * Merges staged cards. A status Uplink set itself after the file's moment (an activation or LOST by
 * SMS the card system had not yet seen) is kept.
 */
export async function mergeCards(db: Db, { run, quick }: MergeMode): Promise<MergeCounts> {
  return merge(db, quick, {
    table: 'cards',
    src: 'SELECT s.*, c.id AS customer_id FROM stage_cards s JOIN customers c ON c.external_id = s.customer_external_id',
    unchanged: `${NEWER_HERE} OR ${same([...CARD, 'status'])}`,
    columns: [...own([...CARD, 'status', 'as_of']), ['import_run', runSql(run)]],
    set: (v) => `${whenFresh(fresh(v), [...CARD, 'as_of', 'as_of_version'], v)},
      status = CASE WHEN ${fresh(v)} AND NOT coalesce(t.local_status_at > ${v('as_of')}, false) THEN ${v('status')} ELSE t.status END,
      import_run = coalesce(${v('import_run')}, t.import_run), updated_at = now()`,
    recheck: `t.import_run = ${runSql(run)}
      OR (t.pan_hmac <> s.pan_hmac AND EXISTS (SELECT 1 FROM cards o WHERE o.pan_hmac = s.pan_hmac AND o.external_id <> s.external_id))`,
  });
}

const STATEMENT = ['card_id', 'closing_date', 'due_date', 'balance', 'minimum_due', 'paid_amount', 'currency'];

/** Merges staged statements (by external id, under their card). */
export async function mergeStatements(db: Db, { quick }: MergeMode): Promise<MergeCounts> {
  return merge(db, quick, {
    table: 'statements',
    src: 'SELECT s.*, k.id AS card_id FROM stage_statements s JOIN cards k ON k.external_id = s.card_external_id',
    unchanged: `${NEWER_HERE} OR ${same(STATEMENT)}`,
    columns: own([...STATEMENT, 'as_of']),
    set: (v) => whenFresh(fresh(v), [...STATEMENT, 'as_of', 'as_of_version'], v),
  });
}

const TRANSACTION = ['card_id', 'amount', 'currency', 'merchant', 'occurred_at'];

/** Merges staged transactions (by external id). */
export async function mergeTransactions(db: Db, { quick }: MergeMode): Promise<MergeCounts> {
  return merge(db, quick, {
    table: 'transactions',
    src: 'SELECT s.*, k.id AS card_id FROM stage_transactions s JOIN cards k ON k.external_id = s.card_external_id',
    unchanged: same(TRANSACTION),
    columns: own(TRANSACTION),
    set: (v) => TRANSACTION.map((c) => `${c} = ${v(c)}`).join(', '),
  });
}

/** What one batch's merge did, by table. */
export interface BatchCounts {
  customers: MergeCounts;
  cards: MergeCounts;
  statements: MergeCounts;
  transactions: MergeCounts;
}

/** Merges every staging table, parents first. */
export async function mergeStaged(db: Db, mode: MergeMode): Promise<BatchCounts> {
  const customers = await mergeCustomers(db, mode);
  const cards = await mergeCards(db, mode);
  const statements = await mergeStatements(db, mode);
  const transactions = await mergeTransactions(db, mode);
  return { customers, cards, statements, transactions };
}
