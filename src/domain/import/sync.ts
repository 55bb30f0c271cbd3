import type { CardKeyring } from '../pan';
// The streamed import of an NDJSON file (one customer a line): lines checked one by one, COPYed into
// the staging tables a batch at a time and merged into the live tables. The next batch is checked
// (JSON, the customer check, the card-number HMACs) while PostgreSQL merges the one before, so that work stays off
// the critical path, and memory holds two batches whatever the size of the file.
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { sql } from 'kysely';
import { from as copyFrom } from 'pg-copy-streams';
import type { Session } from '../../db/connection';
import type { Db } from '../../db/schema';
import { checkLine, type LineProblem, StageBatch } from './batch';
import { customerCheck } from './fast-check';
import { fileLines } from './lines';
import { type BatchCounts, mergeStaged, type MergeCounts, needsFullCheck, stagedConflicts, type StagedProblem } from './merge';
import { abandonRuns, checkpoint, closeMissing, endRun, fileFingerprint, type Missing, missingFrom, resumableRun, startRun } from './runs';
import { clearStaging, createStaging, dropStagedLines, STAGE, type StageTable } from './staging';

/** Files below this size are imported all-or-nothing unless told otherwise (about 100,000 customers). */
export const ALL_OR_NOTHING_BELOW = 64 * 2 ** 20;

/** How an import of a file runs. */
export interface SyncOptions {
  file: string;
  /** The card-hash keys: hashes are made with the current one and stamped with its id. */
  keys: CardKeyring;
  region: string;
  /** When the file's figures were true at the card system, for lines that do not say (default: now). */
  asOf?: Date;
  /** Check every line and what the merge would do, then roll back. */
  check?: boolean;
  /** One transaction for the whole file (default below ALL_OR_NOTHING_BELOW), else a commit per batch. */
  allOrNothing?: boolean;
  /** The file is a full snapshot: close the customers and cards it does not carry. */
  snapshot?: boolean;
  batchLines?: number;
  /** Stops after the batch in hand; a run committed per batch resumes on the next import of the file. */
  signal?: AbortSignal;
  /** Told where reading starts: line and byte offset (not 0 when resuming an interrupted run). */
  onStart?: (s: { mode: SyncResult['mode']; resumedAfter: number | null; lines: number; bytes: number }) => void;
  onProgress?: (p: SyncProgress) => void;
  onProblem?: (p: LineProblem) => void;
}

/** How far an import is. */
export interface SyncProgress {
  lines: number;
  bytes: number;
  totalBytes: number;
}

/** What an import did (or, with `check`, would do). */
export interface SyncResult {
  mode: 'check' | 'all-or-nothing' | 'batches';
  /** The line an interrupted run had reached, when this one resumed it. */
  resumedAfter: number | null;
  lines: number;
  refused: number;
  counts: BatchCounts;
  missing: Missing | null;
  /** Whether the missing records were closed (a snapshot with no line refused). */
  closed: boolean;
  /** Whether anything was committed by this call. */
  written: boolean;
  stopped: boolean;
}

const zero = (): MergeCounts => ({ inserted: 0, updated: 0, unchanged: 0 });
const ROLLBACK = Symbol('rollback');

/** Running totals, restored from a checkpoint when resuming. */
class Totals {
  lines = 0;
  refused = 0;
  counts: BatchCounts = { customers: zero(), cards: zero(), statements: zero(), transactions: zero() };
  constructor(saved: Record<string, unknown> = {}) {
    Object.assign(this, structuredClone(saved));
  }
  add(counts: BatchCounts): void {
    for (const k of Object.keys(counts) as (keyof BatchCounts)[]) {
      for (const f of ['inserted', 'updated', 'unchanged'] as const) this.counts[k][f] += counts[k][f];
    }
  }
  json() {
    return { lines: this.lines, refused: this.refused, counts: this.counts };
  }
}

/** Imports an NDJSON file through `session` (its own connection, for COPY); one import at a time per database. */
export async function syncFile(session: Session, opts: SyncOptions): Promise<SyncResult> {
  const { rows } = await sql<{ locked: boolean }>`SELECT pg_try_advisory_lock(hashtext('uplink:import')) AS locked`.execute(session.db);
  if (!rows[0].locked) throw new Error('another import is running against this database; wait for it to finish');
  try {
    return await syncLocked(session, opts);
  } finally {
    await sql`SELECT pg_advisory_unlock(hashtext('uplink:import'))`.execute(session.db).catch(() => {});
  }
}

async function syncLocked(session: Session, opts: SyncOptions): Promise<SyncResult> {
  const { db } = session;
  const fingerprint = await fileFingerprint(opts.file);
  const { size } = await stat(opts.file);
  const mode = opts.check ? 'check' : (opts.allOrNothing ?? size < ALL_OR_NOTHING_BELOW) ? 'all-or-nothing' : 'batches';
  await sql`SET temp_buffers = '64MB'`.execute(db);
  // A batch and its checkpoint commit together, so a server crash loses both or neither.
  await sql`SET synchronous_commit = off`.execute(db);
  // Each statement joins a batch of 5,000 staged rows to tables of millions by unique keys. Without
  // statistics on the staging tables the planner hashed the whole live table for every batch (a
  // scan of millions of rows, 400 times a file); index lookups are what these joins are.
  await sql`SET enable_hashjoin = off`.execute(db);
  await sql`SET enable_mergejoin = off`.execute(db);
  await createStaging(db);
  const done = (t: Totals, r: Partial<SyncResult>): SyncResult => ({
    mode,
    resumedAfter: null,
    lines: t.lines,
    refused: t.refused,
    counts: t.counts,
    missing: null,
    closed: false,
    written: false,
    stopped: false,
    ...r,
  });

  if (mode === 'batches') {
    const saved = await resumableRun(db, fingerprint);
    const run = saved ?? (await startRun(db, { file: opts.file, fingerprint, snapshot: !!opts.snapshot, asOf: opts.asOf ?? new Date() }));
    const totals = new Totals(saved?.counts);
    opts.onStart?.({ mode, resumedAfter: saved?.linesDone ?? null, lines: run.linesDone, bytes: run.bytesDone });
    const stopped = await streamFile(session, opts, size, { line: run.linesDone, offset: run.bytesDone }, run.asOf, totals, (batch) =>
      db.transaction().execute(async (trx) => {
        await writeBatch(trx, session, batch, run.id, totals, opts.onProblem, true);
        await checkpoint(trx, run.id, { lines: batch.lastLine, bytes: batch.end, counts: totals.json() });
      }),
    );
    const resumedAfter = saved ? saved.linesDone : null;
    if (stopped) return done(totals, { resumedAfter, written: true, stopped });
    const end = await db.transaction().execute((trx) => finish(trx, run.id, run.asOf, totals, opts));
    return done(totals, { resumedAfter, written: true, ...end });
  }

  const totals = new Totals();
  let result: SyncResult | undefined;
  try {
    await db.transaction().execute(async (trx) => {
      if (mode !== 'check') await abandonRuns(trx, fingerprint);
      const asOf = opts.asOf ?? new Date();
      opts.onStart?.({ mode, resumedAfter: null, lines: 0, bytes: 0 });
      const run = await startRun(trx, { file: opts.file, fingerprint, snapshot: !!opts.snapshot, asOf });
      const stopped = await streamFile(session, opts, size, { line: 0, offset: 0 }, asOf, totals, (batch) =>
        writeBatch(trx, session, batch, run.id, totals, opts.onProblem),
      );
      const end = stopped ? {} : await finish(trx, run.id, asOf, totals, opts);
      const keep = mode === 'all-or-nothing' && !stopped && totals.refused === 0;
      result = done(totals, { ...end, stopped, written: keep, closed: keep && !!end.closed });
      if (!keep) throw ROLLBACK;
    });
  } catch (err) {
    if (err !== ROLLBACK) throw err;
  }
  return result!;
}

/** The end of a run: what a snapshot lacks (closed when asked and nothing was refused), and the run marked done. */
async function finish(db: Db, run: number, asOf: Date, totals: Totals, opts: SyncOptions): Promise<Partial<SyncResult>> {
  // These read whole tables: hashing is right again (for the rest of this transaction).
  await sql`SET LOCAL enable_hashjoin = on`.execute(db);
  await sql`SET LOCAL enable_mergejoin = on`.execute(db);
  const missing = await missingFrom(db, run, asOf);
  const closed = !!opts.snapshot && totals.refused === 0 && missing.customers + missing.cards > 0;
  if (closed) await closeMissing(db, run, asOf);
  await endRun(db, run, 'done');
  return { missing, closed };
}

/**
 * Reads the file from `from`, checks each line into batches and hands each full batch to `write`
 * while the next one is being checked. Returns whether it stopped early (the signal).
 */
async function streamFile(
  session: Session,
  opts: SyncOptions,
  totalBytes: number,
  from: { line: number; offset: number },
  asOf: Date,
  totals: Totals,
  write: (batch: StageBatch) => Promise<void>,
): Promise<boolean> {
  const check = customerCheck(opts.region);
  const stamp = asOf.toISOString();
  const size = opts.batchLines ?? 5000;
  let batch = new StageBatch();
  let writing: Promise<void> = Promise.resolve();
  const hand = () => {
    const full = batch;
    batch = new StageBatch();
    writing = write(full).then(() => {
      totals.lines = full.lastLine;
      opts.onProgress?.({ lines: full.lastLine, bytes: full.end, totalBytes });
    });
    writing.catch(() => {}); // awaited before the next batch or at the end
  };
  const input = createReadStream(opts.file, { start: from.offset, highWaterMark: 64 * 1024 });
  try {
    for await (const l of fileLines(input, from)) {
      if (l.text.trim() === '') batch.skip(l.line, l.end);
      else for (const p of batch.add(checkLine(l.text, l.line, check, opts.keys, stamp), l.line, l.end)) opts.onProblem?.(p);
      // Checking is synchronous work: let the previous batch's statements go out between slices of it,
      // short ones (~0.3 ms), since PostgreSQL waits idle for every answer still unread behind one.
      if (l.line % 8 === 0) await new Promise(setImmediate);
      if (batch.lines >= size) {
        await writing;
        if (opts.signal?.aborted) break; // the batch in hand is read again by the run that resumes
        hand();
      }
    }
  } finally {
    input.destroy();
  }
  await writing;
  const stopped = !!opts.signal?.aborted;
  if (!stopped && batch.lines > 0) hand();
  await writing;
  return stopped;
}

/**
 * COPYs a batch into the staging tables, refuses lines the live data conflicts with, merges the rest.
 * `quick`: the batch is merged without the conflict query first. A new record's taken mobile or
 * card number meets its unique index or constraint; a live record the file gives a mobile or card
 * number another holds, or that an earlier batch carried, is declined by the merge (`NeedsCheck`).
 * On a nightly file none of these happens, and each line saves two index probes and ON CONFLICT's
 * speculation; when one does, the merge is rolled back to a savepoint and done again after the
 * query. Only for a transaction per batch: one transaction holding hundreds of subtransactions
 * would slow every other session's snapshots.
 */
async function writeBatch(
  db: Db,
  session: Session,
  batch: StageBatch,
  run: number,
  totals: Totals,
  onProblem: ((p: LineProblem) => void) | undefined,
  quick = false,
): Promise<void> {
  for (const table of Object.keys(STAGE) as StageTable[]) {
    if (!batch.copy[table].empty) await copyInto(session, table, batch.copy[table].bytes());
  }
  let merged: Merged | undefined;
  if (quick) {
    await sql`SAVEPOINT merge`.execute(db);
    try {
      merged = { conflicts: [], counts: await mergeStaged(db, { run, quick }) };
    } catch (err) {
      if (!needsFullCheck(err)) throw err;
      await sql`ROLLBACK TO SAVEPOINT merge`.execute(db);
    }
    await sql`RELEASE SAVEPOINT merge`.execute(db);
  }
  merged ??= await mergeChecked(db, run);
  for (const c of merged.conflicts) onProblem?.(c);
  totals.refused += new Set([...batch.refused, ...merged.conflicts].map((p) => p.line)).size;
  totals.add(merged.counts);
  await clearStaging(db);
}

type Merged = { conflicts: StagedProblem[]; counts: BatchCounts };

async function mergeChecked(db: Db, run: number): Promise<Merged> {
  const conflicts = await stagedConflicts(db, run);
  if (conflicts.length > 0) await dropStagedLines(db, [...new Set(conflicts.map((c) => c.line))]);
  return { conflicts, counts: await mergeStaged(db, { run }) };
}

async function copyInto(session: Session, table: StageTable, bytes: Buffer[]): Promise<void> {
  const stream = session.client.query(copyFrom(`COPY ${table} (${STAGE[table].join(', ')}) FROM STDIN`));
  await pipeline(Readable.from(bytes), stream);
}
