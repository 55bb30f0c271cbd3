import type { CardKeyring } from '../pan';
// One batch of an NDJSON import: each line checked (JSON, the zod schema of a customer), reduced to
// staging rows and appended as COPY text; a record repeated inside the batch is refused on its later
// line (the merge could not apply both in one statement).
import type { z } from 'zod';
import { formatPath } from '../../shared/field-path';
import type { CustomerCheck } from './fast-check';
import { copyLine, stageRows, type StagedRows } from './rows';
import { STAGE, type StageTable } from './staging';

/** A refused line: its number, the field and what is wrong. */
export interface LineProblem {
  line: number;
  path: string;
  message: string;
}

/** What a line becomes: its staging rows, or why it is refused. */
export type CheckedLine = { rows: StagedRows } | { problems: LineProblem[] };

/** Parses and validates one line; `asOf` stamps records that do not say when they were true. */
export function checkLine(text: string, line: number, check: CustomerCheck, keys: CardKeyring, asOf: string): CheckedLine {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    return { problems: [{ line, path: '(line)', message: `not JSON: ${(err as Error).message}` }] };
  }
  const parsed = check(raw);
  if (!parsed.success) return { problems: issues(line, parsed.error) };
  return { rows: stageRows(parsed.data, line, keys, asOf) };
}

function issues(line: number, error: z.ZodError): LineProblem[] {
  return error.issues.map((i) => ({ line, path: i.path.length ? formatPath(i.path) : '(line)', message: i.message }));
}

/** Which staged column makes a record unique within a batch, and how a repeat is named. */
const UNIQUE = (
  [
    { table: 'stage_customers', column: 'external_id', path: () => 'externalId', what: 'customer' },
    { table: 'stage_customers', column: 'mobile', path: () => 'mobile', what: 'mobile' },
    { table: 'stage_cards', column: 'external_id', path: (r) => `cards[${r[1] as number}].externalId`, what: 'card' },
    { table: 'stage_cards', column: 'pan_hmac', path: (r) => `cards[${r[1] as number}].pan`, what: 'card number' },
    { table: 'stage_statements', column: 'external_id', path: () => 'statements', what: 'statement' },
    { table: 'stage_transactions', column: 'external_id', path: () => 'transactions', what: 'transaction' },
  ] as { table: StageTable; column: string; path: (row: unknown[]) => string; what: string }[]
).map((u) => ({ ...u, col: (STAGE[u.table] as readonly string[]).indexOf(u.column) }));

const TABLES = Object.keys(STAGE) as StageTable[];
/** No problems (shared: never added to). */
const NONE: LineProblem[] = [];

/**
 * COPY text kept in buffers outside the JavaScript heap: a batch lives for several garbage
 * collections, and as strings it was promoted to the old generation and let the heap grow with the
 * file (RSS 300 MB for 100,000 lines); as bytes it is freed with the batch.
 */
export class CopyText {
  private readonly chunks: Buffer[] = [];
  private current = Buffer.allocUnsafe(0);
  private used = 0;

  /** Appends text. */
  append(text: string): void {
    if (this.current.length - this.used < text.length * 3) {
      if (this.used > 0) this.chunks.push(this.current.subarray(0, this.used));
      this.current = Buffer.allocUnsafe(Math.max(256 * 1024, text.length * 3));
      this.used = 0;
    }
    this.used += this.current.write(text, this.used);
  }

  /** The bytes so far, in order. */
  bytes(): Buffer[] {
    return this.used > 0 ? [...this.chunks, this.current.subarray(0, this.used)] : [...this.chunks];
  }

  /** True when nothing was appended. */
  get empty(): boolean {
    return this.used === 0 && this.chunks.length === 0;
  }
}

/** The staged lines of one batch as COPY text per table, and the lines it refused. */
export class StageBatch {
  readonly copy: Record<StageTable, CopyText> = {
    stage_customers: new CopyText(),
    stage_cards: new CopyText(),
    stage_statements: new CopyText(),
    stage_transactions: new CopyText(),
  };
  readonly refused: LineProblem[] = [];
  /** Lines read into the batch (accepted or refused) and the byte offset after the last. */
  lines = 0;
  end = 0;
  lastLine = 0;
  private readonly seen = UNIQUE.map(() => new Map<unknown, number>());

  /** Adds a checked line; a refused line (or one repeating a record of this batch) is kept as its problems. */
  add(checked: CheckedLine, line: number, end: number): LineProblem[] {
    this.lines++;
    this.end = end;
    this.lastLine = line;
    const problems = 'problems' in checked ? checked.problems : this.repeats(checked.rows, line);
    if (problems.length > 0) {
      this.refused.push(...problems);
      return problems;
    }
    const { rows } = checked as { rows: StagedRows };
    for (let i = 0; i < UNIQUE.length; i++) {
      const { table, col } = UNIQUE[i];
      for (const r of rows[table]) this.seen[i].set(r[col], line);
    }
    for (const table of TABLES) for (const r of rows[table]) this.copy[table].append(copyLine(r));
    return NONE;
  }

  /** Counts a blank line (it is skipped, not refused). */
  skip(line: number, end: number): void {
    this.lines++;
    this.end = end;
    this.lastLine = line;
  }

  private repeats(rows: StagedRows, line: number): LineProblem[] {
    let problems: LineProblem[] | undefined;
    for (let i = 0; i < UNIQUE.length; i++) {
      const u = UNIQUE[i];
      const rs = rows[u.table];
      for (let j = 0; j < rs.length; j++) {
        const v = rs[j][u.col];
        const earlier = this.seen[i].get(v);
        if (earlier !== undefined) (problems ??= []).push({ line, path: u.path(rs[j]), message: `same ${u.what} as line ${earlier}` });
        else if (repeatedBefore(rs, j, u.col)) (problems ??= []).push({ line, path: u.path(rs[j]), message: `${u.what} repeated on this line` });
      }
    }
    return problems ?? NONE;
  }
}

/** True when a row before `j` holds the same value in column `col`. */
function repeatedBefore(rows: StagedRows[StageTable], j: number, col: number): boolean {
  for (let k = 0; k < j; k++) if (rows[k][col] === rows[j][col]) return true;
  return false;
}
