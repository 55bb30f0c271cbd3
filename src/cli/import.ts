import { cardKeyring } from '../domain/pan';
// `npm run cli -- import <file>`: a JSON document (customers, events, staff) in one transaction, or
// an NDJSON file (.ndjson, .jsonl: one customer a line) streamed in batches (docs/import.md).
import { closeSync, openSync, readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { Booted } from '../boot';
import { openSession } from '../db/connection';
import { ImportError, importDocument, parseImport } from '../domain/import/import';
import type { LineProblem } from '../domain/import/batch';
import type { SyncResult } from '../domain/import/sync';
import { syncFile } from '../domain/import/sync';
import { progressView } from './progress';

const USAGE = `usage: npm run cli -- import <file.json | file.ndjson> [--check] [--all-or-nothing | --batches] [--snapshot] [--as-of <ISO 8601>]`;
const MAX_SHOWN = 200;

/** Runs the import command; returns the exit code. */
export async function importCommand(args: string[], boot: () => Promise<Booted>): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      options: {
        check: { type: 'boolean' },
        'all-or-nothing': { type: 'boolean' },
        batches: { type: 'boolean' },
        snapshot: { type: 'boolean' },
        'as-of': { type: 'string' },
      },
    });
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n${USAGE}\n`);
    return 2;
  }
  const { values, positionals } = parsed;
  const file = positionals[0];
  if (!file || positionals.length > 1) {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  const asOf = values['as-of'] === undefined ? undefined : new Date(values['as-of']);
  if (asOf && (!/^\d{4}-\d{2}-\d{2}T/.test(values['as-of']!) || Number.isNaN(asOf.getTime()))) {
    process.stderr.write(`--as-of: expected an ISO 8601 moment such as 2026-11-30T02:00:00+08:00, got ${values['as-of']}\n`);
    return 2;
  }
  if (values['all-or-nothing'] && values.batches) {
    process.stderr.write(`--all-or-nothing and --batches: choose one\n${USAGE}\n`);
    return 2;
  }
  let text: string | undefined;
  const ndjson = /\.(ndjson|jsonl)$/i.test(file);
  try {
    if (ndjson) closeSync(openSync(file, 'r'));
    else text = readFileSync(file, 'utf8');
  } catch (err) {
    process.stderr.write(`${file}: cannot read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})\n`);
    return 1;
  }
  const booted = await boot();
  try {
    if (text !== undefined) return await importJson(booted, file, text, { asOf, check: !!values.check });
    return await importNdjson(booted, file, {
      asOf,
      check: !!values.check,
      allOrNothing: values['all-or-nothing'] ? true : values.batches ? false : undefined,
      snapshot: !!values.snapshot,
    });
  } finally {
    await booted.close();
  }
}

async function importJson(booted: Booted, file: string, text: string, opts: { asOf?: Date; check: boolean }): Promise<number> {
  try {
    const doc = parseImport(text, booted.config.defaultRegion);
    if (opts.check) {
      process.stdout.write(
        `${file}: ${doc.customers.length} customers, ${doc.events.length} events, ${doc.staff.length} staff; no problems (nothing written)\n`,
      );
      return 0;
    }
    const counts = await importDocument(booted.db, doc, booted.config.cardHashSecret!, { asOf: opts.asOf });
    process.stdout.write(
      `imported ${Object.entries(counts)
        .map(([k, v]) => `${v} ${k}`)
        .join(', ')}\n`,
    );
    return 0;
  } catch (err) {
    if (!(err instanceof ImportError)) throw err;
    for (const p of err.problems) process.stderr.write(`${file}: ${p.path}: ${p.message}\n`);
    if (err.problems.some((p) => p.path === '(document)' && /after JSON/.test(p.message))) {
      process.stderr.write(`${file}: one customer a line? name the file .ndjson to stream it\n`);
    }
    process.stderr.write(`${err.problems.length} problem(s); nothing was imported\n`);
    return 1;
  }
}

async function importNdjson(booted: Booted, file: string, opts: { asOf?: Date; check: boolean; allOrNothing?: boolean; snapshot: boolean }): Promise<number> {
  const session = await openSession(booted.url);
  const progress = progressView(process.stderr);
  const stop = new AbortController();
  const onSignal = () => stop.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  let shown = 0;
  const started = Date.now();
  try {
    const result = await syncFile(session, {
      file,
      keys: cardKeyring(booted.config.cardHashSecret!, booted.config.cardHashPreviousSecrets),
      region: booted.config.defaultRegion,
      ...opts,
      signal: stop.signal,
      onStart: (s) => {
        if (s.resumedAfter !== null)
          process.stderr.write(`${file}: resuming after line ${s.resumedAfter.toLocaleString('en')} (an earlier run stopped there)\n`);
        progress.begin(s);
      },
      onProgress: (p) => progress.update(p),
      onProblem: (p: LineProblem) => {
        if (shown++ < MAX_SHOWN) process.stderr.write(`${file}: line ${p.line}: ${p.path}: ${p.message}\n`);
      },
    });
    progress.stop();
    if (shown > MAX_SHOWN) process.stderr.write(`… and ${shown - MAX_SHOWN} more problem(s) not shown\n`);
    process.stdout.write(summary(file, result, (Date.now() - started) / 1000));
    if (result.stopped) return 130;
    return result.refused > 0 ? 1 : 0;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await session.close();
  }
}

const n = (v: number) => v.toLocaleString('en');

/** The closing report of an NDJSON import. */
export function summary(file: string, r: SyncResult, seconds: number): string {
  const out: string[] = [];
  for (const [kind, c] of Object.entries(r.counts)) {
    if (kind === 'transactions' && c.inserted + c.updated + c.unchanged === 0) continue;
    out.push(`${kind}: ${n(c.inserted)} inserted, ${n(c.updated)} updated, ${n(c.unchanged)} unchanged`);
  }
  out.push(`refused: ${n(r.refused)} line(s)`);
  if (r.missing && r.missing.customers + r.missing.cards > 0) {
    const m = r.missing;
    const list = (ids: string[], total: number) => (total > 0 ? ` (${ids.join(', ')}${total > ids.length ? ', …' : ''})` : '');
    const what = `${n(m.customers)} customer(s)${list(m.sample.customers, m.customers)} and ${n(m.cards)} card(s)${list(m.sample.cards, m.cards)}`;
    if (r.closed) out.push(`closed, not in this snapshot: ${what}`);
    else if (r.refused > 0) out.push(`not in this file: ${what}; not closed while lines are refused`);
    else out.push(`not in this file: ${what}; --snapshot closes them`);
  }
  const lines = `${n(r.lines)} lines in ${seconds.toFixed(1)} s`;
  if (r.stopped)
    out.push(`${file}: stopped after line ${n(r.lines)}; ${r.mode === 'batches' ? 'run the same command again to resume' : 'nothing was imported'}`);
  else if (r.mode === 'check') out.push(`${file}: checked ${lines}; nothing written (--check)`);
  else if (!r.written) out.push(`${file}: ${lines}; nothing was imported (all-or-nothing: fix the refused lines and run it again)`);
  else out.push(`${file}: imported ${lines} (${r.mode}${r.resumedAfter !== null ? `, resumed after line ${n(r.resumedAfter)}` : ''})`);
  return `${out.join('\n')}\n`;
}
