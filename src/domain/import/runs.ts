// The import_runs checkpoint: a run committed batch by batch records, in each batch's transaction,
// how far into the file it got, so a rerun of the same file carries on from there.
import { createHash } from 'node:crypto';
import { open, stat } from 'node:fs/promises';
import { sql } from 'kysely';
import type { Db } from '../../db/schema';

/** A run as its checkpoint left it. */
export interface ImportRun {
  id: number;
  asOf: Date;
  linesDone: number;
  bytesDone: number;
  counts: Record<string, unknown>;
}

/** The same file (size, modification time, first 64 KB) gives the same fingerprint. */
export async function fileFingerprint(file: string): Promise<string> {
  const { size, mtimeMs } = await stat(file);
  const fh = await open(file, 'r');
  try {
    const head = Buffer.alloc(Math.min(size, 65_536));
    await fh.read(head, 0, head.length, 0);
    return `${size}:${Math.floor(mtimeMs)}:${createHash('sha256').update(head).digest('hex').slice(0, 32)}`;
  } finally {
    await fh.close();
  }
}

/** An unfinished run of this file, to resume. */
export async function resumableRun(db: Db, fingerprint: string): Promise<ImportRun | undefined> {
  const row = await db
    .selectFrom('import_runs')
    .select(['id', 'as_of', 'lines_done', 'bytes_done', 'counts'])
    .where('fingerprint', '=', fingerprint)
    .where('status', '=', 'running')
    .orderBy('id', 'desc')
    .executeTakeFirst();
  return row && { id: row.id, asOf: row.as_of, linesDone: row.lines_done, bytesDone: Number(row.bytes_done), counts: row.counts };
}

/** Starts a run. */
export async function startRun(db: Db, run: { file: string; fingerprint: string; snapshot: boolean; asOf: Date }): Promise<ImportRun> {
  const { id } = await db
    .insertInto('import_runs')
    .values({ file: run.file, fingerprint: run.fingerprint, snapshot: run.snapshot, as_of: run.asOf })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { id, asOf: run.asOf, linesDone: 0, bytesDone: 0, counts: {} };
}

/** Records how far a run got (in the transaction of the batch that got it there). */
export async function checkpoint(db: Db, id: number, at: { lines: number; bytes: number; counts: object }): Promise<void> {
  await db
    .updateTable('import_runs')
    .set({ lines_done: at.lines, bytes_done: at.bytes, counts: JSON.stringify(at.counts), updated_at: sql`now()` })
    .where('id', '=', id)
    .execute();
}

/** Ends a run: done, or abandoned (another import of the file starts over). */
export async function endRun(db: Db, id: number, status: 'done' | 'abandoned'): Promise<void> {
  await db
    .updateTable('import_runs')
    .set({ status, finished_at: sql`now()`, updated_at: sql`now()` })
    .where('id', '=', id)
    .execute();
}

/** Unfinished runs of a file that will not be resumed. */
export async function abandonRuns(db: Db, fingerprint: string): Promise<void> {
  await db
    .updateTable('import_runs')
    .set({ status: 'abandoned', finished_at: sql`now()` })
    .where('fingerprint', '=', fingerprint)
    .where('status', '=', 'running')
    .execute();
}

/** Records no longer in the live data's files: not carried by `run`, and not changed since its moment. */
export interface Missing {
  customers: number;
  cards: number;
  /** Up to ten external ids of each, for the report. */
  sample: { customers: string[]; cards: string[] };
}

/** Customers and open cards a full snapshot (`run`, true at `asOf`) did not carry. */
export async function missingFrom(db: Db, run: number, asOf: Date): Promise<Missing> {
  const { rows } = await sql<{ kind: 'customers' | 'cards'; n: number; sample: string[] }>`
    SELECT 'customers' AS kind, count(*)::int AS n, (array_agg(external_id ORDER BY external_id))[1:10] AS sample
      FROM customers WHERE closed_at IS NULL AND import_run IS DISTINCT FROM ${run} AND as_of <= ${asOf}
    UNION ALL
    SELECT 'cards', count(*)::int, (array_agg(external_id ORDER BY external_id))[1:10]
      FROM cards WHERE status <> 'closed' AND import_run IS DISTINCT FROM ${run} AND as_of <= ${asOf}`.execute(db);
  const by = Object.fromEntries(rows.map((r) => [r.kind, r]));
  return {
    customers: by.customers.n,
    cards: by.cards.n,
    sample: { customers: by.customers.sample ?? [], cards: by.cards.sample ?? [] },
  };
}

/** Closes what a snapshot did not carry: its cards (closed at the card system at `asOf`), then its customers. */
export async function closeMissing(db: Db, run: number, asOf: Date): Promise<void> {
  await sql`
    UPDATE cards k SET status = 'closed', as_of = ${asOf}, as_of_version = 0, updated_at = now()
     WHERE k.status <> 'closed' AND k.as_of <= ${asOf}
       AND (k.import_run IS DISTINCT FROM ${run}
            OR k.customer_id IN (SELECT id FROM customers WHERE closed_at IS NULL AND import_run IS DISTINCT FROM ${run} AND as_of <= ${asOf}))`.execute(db);
  await sql`UPDATE customers SET closed_at = now(), updated_at = now()
             WHERE closed_at IS NULL AND import_run IS DISTINCT FROM ${run} AND as_of <= ${asOf}`.execute(db);
}
