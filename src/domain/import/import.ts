import { type CardKeyring, cardKeyring } from '../pan';
import type { Kysely } from 'kysely';
import type { Database, Db } from '../../db/schema';
import { upsertEvent } from '../events';
import { formatPath } from '../../shared/field-path';
import { type ImportDocument, importSchema } from './import.schema';
import { mergeStaged, stagedConflicts } from './merge';
import { rowObject, stageRows, type StagedRows } from './rows';
import { createStaging, type StageTable, stageJson } from './staging';

/** One problem in an import file, by path (`customers[3].mobile`). */
export interface ImportProblem {
  path: string;
  message: string;
}

/** Raised when an import is refused; nothing was written. */
export class ImportError extends Error {
  constructor(readonly problems: ImportProblem[]) {
    super(problems.map((p) => `${p.path}: ${p.message}`).join('\n'));
    this.name = 'ImportError';
  }
}

/** What an import wrote. */
export interface ImportCounts {
  customers: number;
  cards: number;
  statements: number;
  transactions: number;
  events: number;
  staff: number;
}

/** Parses and validates an import document from JSON text; throws ImportError listing every bad field. */
export function parseImport(json: string, region: string): ImportDocument {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch (err) {
    throw new ImportError([{ path: '(document)', message: `not JSON: ${(err as Error).message}` }]);
  }
  const parsed = importSchema(region).safeParse(raw);
  if (!parsed.success) {
    throw new ImportError(parsed.error.issues.map((i) => ({ path: formatPath(i.path), message: i.message })));
  }
  return parsed.data;
}

/** When the document's figures were true at the card system, for records that do not say (default: now). */
export interface ImportOptions {
  asOf?: Date;
}

/**
 * Writes a validated document in one transaction, upserting by external id, so a re-import
 * updates rather than duplicates. Customers, cards, statements and transactions go through the same
 * staging and merge as a streamed file (full card numbers reduced to last 4 and keyed hashes there).
 */
export async function importDocument(db: Kysely<Database>, doc: ImportDocument, key: CardKeyring | string, opts: ImportOptions = {}): Promise<ImportCounts> {
  const keys = typeof key === 'string' ? cardKeyring(key) : key;
  const asOf = (opts.asOf ?? new Date()).toISOString();
  return db.transaction().execute(async (trx) => {
    await createStaging(trx, { onCommitDrop: true });
    const staged: StagedRows = { stage_customers: [], stage_cards: [], stage_statements: [], stage_transactions: [] };
    doc.customers.forEach((c, i) => {
      const rows = stageRows(c, i, keys, asOf);
      for (const table of Object.keys(rows) as StageTable[]) staged[table].push(...rows[table]);
    });
    for (const table of Object.keys(staged) as StageTable[]) {
      await stageJson(
        trx,
        table,
        staged[table].map((r) => rowObject(table, r)),
      );
    }
    const problems: ImportProblem[] = (await stagedConflicts(trx, null)).map((p) => ({ path: `customers[${p.line}].${p.path}`, message: p.message }));
    problems.push(...(await staffConflicts(trx, doc)));
    if (problems.length > 0) throw new ImportError(problems.sort((a, b) => a.path.localeCompare(b.path, 'en', { numeric: true })));
    await mergeStaged(trx, { run: null });
    for (const e of doc.events) await upsertEvent(trx, e);
    for (const s of doc.staff) {
      const st = { external_id: s.externalId, name: s.name, role: s.role, mobile: s.mobile ?? null, locale: s.locale };
      await trx
        .insertInto('staff')
        .values(st)
        .onConflict((oc) => oc.column('external_id').doUpdateSet(st))
        .execute();
    }
    for (const a of doc.applications) {
      const row = {
        external_id: a.externalId,
        mobile: a.mobile,
        id_last4: a.idLast4,
        product: a.product,
        status: a.status,
        tracking: a.tracking ?? null,
        updated_at: a.updatedAt,
      };
      await trx
        .insertInto('applications')
        .values(row)
        .onConflict((oc) => oc.column('external_id').doUpdateSet(row))
        .execute();
    }
    for (const r of doc.rewards) {
      const row = { code: r.code, name: JSON.stringify(r.name), points: r.points, active: r.active };
      await trx
        .insertInto('rewards')
        .values(row)
        .onConflict((oc) => oc.column('code').doUpdateSet(row))
        .execute();
    }
    const cards = doc.customers.flatMap((c) => c.cards);
    return {
      customers: doc.customers.length,
      cards: cards.length,
      statements: cards.reduce((n, k) => n + k.statements.length, 0),
      transactions: cards.reduce((n, k) => n + k.transactions.length, 0),
      events: doc.events.length,
      staff: doc.staff.length,
    };
  });
}

/** Staff whose mobile already belongs to another staff member. */
async function staffConflicts(db: Db, doc: ImportDocument): Promise<ImportProblem[]> {
  const problems: ImportProblem[] = [];
  for (const [i, s] of doc.staff.entries()) {
    if (!s.mobile) continue;
    const other = await db.selectFrom('staff').select('external_id').where('mobile', '=', s.mobile).where('external_id', '!=', s.externalId).executeTakeFirst();
    if (other) problems.push({ path: `staff[${i}].mobile`, message: `already registered to staff ${other.external_id}` });
  }
  return problems;
}
