// Applies a batch of the card system's changes, one statement per kind of record. A change applies
// when its (asOf, version) is newer than the record's: an older one is stale, the same one a repeat,
// so changes may arrive late, out of order or twice. Changes of one record within a batch fold in
// that order (each field from the newest change that carries it); the UPDATE checks the order again
// on the locked row, so two requests racing for a record cannot move it back.
import { sql } from 'kysely';
import type { Db } from '../../db/schema';
import type { AccountChange } from './changes.schema';

/** What became of one change. */
export type ChangeOutcome = 'applied' | 'repeated' | 'stale' | 'unknown' | 'conflict';

type Of<T extends AccountChange['type']> = Extract<AccountChange, { type: T }>;
type Indexed<T> = T & { i: number };

/** The outcome of every change of a batch, by its index in the request. */
export async function applyChanges(db: Db, changes: AccountChange[]): Promise<ChangeOutcome[]> {
  const outcomes: ChangeOutcome[] = new Array<ChangeOutcome>(changes.length);
  const of = <T extends AccountChange['type']>(type: T) => changes.flatMap((c, i) => (c.type === type ? [{ ...(c as Of<T>), i }] : [])) as Indexed<Of<T>>[];
  const results = [
    ...(await applyCustomers(db, of('customer'))),
    ...(await applyPoints(db, of('points'))),
    ...(await applyCards(db, of('card'))),
    ...(await applyStatements(db, of('statement'))),
  ];
  for (const r of results) outcomes[r.i] = r.outcome;
  return outcomes;
}

/** The fields every change row carries: its index, the record's external id and its (asOf, version). */
function stamped(c: Indexed<AccountChange>, ext: string) {
  return { i: c.i, ext, as_of: c.asOf, v: c.version };
}

const OUTCOME = sql.raw(`CASE WHEN rec_id IS NULL THEN 'unknown'
  WHEN (as_of, v) > (cur_as_of, cur_v) THEN 'applied'
  WHEN (as_of, v) = (cur_as_of, cur_v) THEN 'repeated' ELSE 'stale' END`);

/** `col = coalesce(<latest non-null value of the field among the batch's fresh changes>, k.col)` */
function folded(fields: Record<string, string>): string {
  return Object.entries(fields)
    .map(([col, type]) => `(array_agg(${col} ORDER BY as_of DESC, v DESC, i DESC) FILTER (WHERE ${col} IS NOT NULL))[1]::${type} AS ${col}`)
    .concat(`max(as_of) AS as_of`, `(array_agg(v ORDER BY as_of DESC, v DESC, i DESC))[1] AS v`)
    .join(', ');
}

const CARD: Record<string, string> = { balance: 'numeric', available_credit: 'numeric', credit_limit: 'numeric', status: 'text', expires_on: 'date' };

async function applyCards(db: Db, items: Indexed<Of<'card'>>[]): Promise<{ i: number; outcome: ChangeOutcome }[]> {
  if (items.length === 0) return [];
  const rows = items.map((c) => ({
    ...stamped(c, c.cardId),
    balance: c.balance ?? null,
    available_credit: c.availableCredit ?? null,
    credit_limit: c.creditLimit ?? null,
    status: c.status ?? null,
    expires_on: c.expiresOn ?? null,
  }));
  const { rows: out } = await sql<{ i: number; outcome: ChangeOutcome }>`
    WITH ch AS (
      SELECT * FROM json_to_recordset(${JSON.stringify(rows)}::json) AS x(i int, ext text, as_of timestamptz, v bigint,
        balance numeric, available_credit numeric, credit_limit numeric, status text, expires_on date)
    ), cur AS (
      SELECT ch.*, k.id AS rec_id, k.as_of AS cur_as_of, k.as_of_version AS cur_v FROM ch LEFT JOIN cards k ON k.external_id = ch.ext
    ), fresh AS (
      SELECT rec_id, ${sql.raw(folded(CARD))},
             (array_agg(as_of ORDER BY as_of DESC, v DESC, i DESC) FILTER (WHERE status IS NOT NULL))[1] AS status_as_of
        FROM cur WHERE rec_id IS NOT NULL AND (as_of, v) > (cur_as_of, cur_v) GROUP BY rec_id
    ), upd AS (
      UPDATE cards k SET
        balance = coalesce(f.balance, k.balance), available_credit = coalesce(f.available_credit, k.available_credit),
        credit_limit = coalesce(f.credit_limit, k.credit_limit), expires_on = coalesce(f.expires_on, k.expires_on),
        status = CASE WHEN f.status IS NULL OR coalesce(k.local_status_at > f.status_as_of, false) THEN k.status ELSE f.status END,
        as_of = f.as_of, as_of_version = f.v, updated_at = now()
        FROM fresh f WHERE k.id = f.rec_id AND (f.as_of, f.v) > (k.as_of, k.as_of_version)
    )
    SELECT i, ${OUTCOME} AS outcome FROM cur`.execute(db);
  return out;
}

const PROFILE: Record<string, string> = {
  name: 'text',
  mobile: 'text',
  locale: 'text',
  time_zone: 'text',
  tier: 'text',
  birthday: 'date',
  marketing_consent: 'boolean',
  greetings_opt_out: 'boolean',
};

async function applyCustomers(db: Db, items: Indexed<Of<'customer'>>[]): Promise<{ i: number; outcome: ChangeOutcome }[]> {
  if (items.length === 0) return [];
  const rows = items.map((c) => ({
    ...stamped(c, c.customerId),
    name: c.name ?? null,
    mobile: c.mobile ?? null,
    locale: c.locale ?? null,
    time_zone: c.timeZone ?? null,
    tier: c.tier ?? null,
    birthday: c.birthday ?? null,
    marketing_consent: c.marketingConsent ?? null,
    greetings_opt_out: c.greetingsOptOut ?? null,
  }));
  const set = Object.keys(PROFILE)
    .map((col) => `${col} = coalesce(f.${col}, c.${col})`)
    .join(', ');
  // A mobile another customer holds (or another change of this batch gives to another customer) is refused.
  const { rows: out } = await sql<{ i: number; outcome: ChangeOutcome }>`
    WITH ch AS (
      SELECT * FROM json_to_recordset(${JSON.stringify(rows)}::json) AS x(i int, ext text, as_of timestamptz, v bigint,
        name text, mobile text, locale text, time_zone text, tier text, birthday date, marketing_consent boolean, greetings_opt_out boolean)
    ), cur AS (
      SELECT ch.*, c.id AS rec_id, c.as_of AS cur_as_of, c.as_of_version AS cur_v,
             ch.mobile IS NOT NULL AND (EXISTS (SELECT 1 FROM customers o WHERE o.mobile = ch.mobile AND o.external_id <> ch.ext)
               OR EXISTS (SELECT 1 FROM ch o WHERE o.mobile = ch.mobile AND o.ext <> ch.ext)) AS taken
        FROM ch LEFT JOIN customers c ON c.external_id = ch.ext
    ), fresh AS (
      SELECT rec_id, ${sql.raw(folded(PROFILE))}
        FROM cur WHERE rec_id IS NOT NULL AND NOT taken AND (as_of, v) > (cur_as_of, cur_v) GROUP BY rec_id
    ), upd AS (
      UPDATE customers c SET ${sql.raw(set)}, as_of = f.as_of, as_of_version = f.v, updated_at = now()
        FROM fresh f WHERE c.id = f.rec_id AND (f.as_of, f.v) > (c.as_of, c.as_of_version)
    )
    SELECT i, CASE WHEN rec_id IS NOT NULL AND taken THEN 'conflict' ELSE ${OUTCOME} END AS outcome FROM cur`.execute(db);
  return out;
}

async function applyPoints(db: Db, items: Indexed<Of<'points'>>[]): Promise<{ i: number; outcome: ChangeOutcome }[]> {
  if (items.length === 0) return [];
  const rows = items.map((c) => ({ ...stamped(c, c.customerId), points: c.points }));
  const { rows: out } = await sql<{ i: number; outcome: ChangeOutcome }>`
    WITH ch AS (
      SELECT * FROM json_to_recordset(${JSON.stringify(rows)}::json) AS x(i int, ext text, as_of timestamptz, v bigint, points int)
    ), cur AS (
      SELECT ch.*, c.id AS rec_id, c.points_as_of AS cur_as_of, c.points_version AS cur_v FROM ch LEFT JOIN customers c ON c.external_id = ch.ext
    ), fresh AS (
      SELECT DISTINCT ON (rec_id) rec_id, points, as_of, v FROM cur
       WHERE rec_id IS NOT NULL AND (as_of, v) > (cur_as_of, cur_v) ORDER BY rec_id, as_of DESC, v DESC, i DESC
    ), upd AS (
      UPDATE customers c SET points = f.points, points_as_of = f.as_of, points_version = f.v, updated_at = now()
        FROM fresh f WHERE c.id = f.rec_id AND (f.as_of, f.v) > (c.points_as_of, c.points_version)
    )
    SELECT i, ${OUTCOME} AS outcome FROM cur`.execute(db);
  return out;
}

async function applyStatements(db: Db, items: Indexed<Of<'statement'>>[]): Promise<{ i: number; outcome: ChangeOutcome }[]> {
  if (items.length === 0) return [];
  const rows = items.map((c) => ({
    ...stamped(c, c.statementId),
    card: c.cardId,
    closing_date: c.closingDate,
    due_date: c.dueDate,
    balance: c.balance,
    minimum_due: c.minimumDue,
    paid_amount: c.paidAmount,
  }));
  // A new statement is inserted under its card (in the card's currency); a known one updated when newer.
  const { rows: out } = await sql<{ i: number; outcome: ChangeOutcome }>`
    WITH ch AS (
      SELECT * FROM json_to_recordset(${JSON.stringify(rows)}::json) AS x(i int, ext text, card text, as_of timestamptz, v bigint,
        closing_date date, due_date date, balance numeric, minimum_due numeric, paid_amount numeric)
    ), cur AS (
      SELECT ch.*, k.id AS rec_id, k.currency, t.id AS st_id,
             coalesce(t.as_of, '-infinity') AS cur_as_of, coalesce(t.as_of_version, -1) AS cur_v
        FROM ch LEFT JOIN cards k ON k.external_id = ch.card LEFT JOIN statements t ON t.external_id = ch.ext
    ), fresh AS (
      SELECT DISTINCT ON (ext) * FROM cur WHERE rec_id IS NOT NULL AND (as_of, v) > (cur_as_of, cur_v) ORDER BY ext, as_of DESC, v DESC, i DESC
    ), upd AS (
      INSERT INTO statements AS t (external_id, card_id, closing_date, due_date, balance, minimum_due, paid_amount, currency, as_of, as_of_version)
      SELECT ext, rec_id, closing_date, due_date, balance, minimum_due, paid_amount, currency, as_of, v FROM fresh
      ON CONFLICT (external_id) DO UPDATE SET card_id = EXCLUDED.card_id, closing_date = EXCLUDED.closing_date, due_date = EXCLUDED.due_date,
        balance = EXCLUDED.balance, minimum_due = EXCLUDED.minimum_due, paid_amount = EXCLUDED.paid_amount, currency = EXCLUDED.currency,
        as_of = EXCLUDED.as_of, as_of_version = EXCLUDED.as_of_version
      WHERE (EXCLUDED.as_of, EXCLUDED.as_of_version) > (t.as_of, t.as_of_version)
    )
    SELECT i, ${OUTCOME} AS outcome FROM cur`.execute(db);
  return out;
}
