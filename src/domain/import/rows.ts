// A validated customer as staging rows: card numbers reduced to last 4 and keyed hashes (made with
// the current key, stamped with its id) here, so no full number goes further than this function.
import { activationPurpose } from '../activation';
import { type CardKeyring, keyedHash, maskCardNumbers } from '../pan';
import type { ImportCustomer } from './import.schema';
import { STAGE, type StageTable } from './staging';

/** One staged value. */
export type StageValue = string | number | boolean | null;

/** The staging rows of one customer, each in its table's column order (STAGE). */
export type StagedRows = Record<StageTable, StageValue[][]>;

/** The rows of one customer (the line or document index `line`), stamped `asOf` unless the data says when. */
export function stageRows(c: ImportCustomer, line: number, keys: CardKeyring, asOf: string): StagedRows {
  const customerAsOf = c.asOf ?? asOf;
  const rows: StagedRows = {
    stage_customers: [
      [line, c.externalId, c.name, c.mobile, c.locale, c.timeZone, c.tier, c.birthday ?? null, c.points, c.marketingConsent, c.greetingsOptOut, customerAsOf],
    ],
    stage_cards: [],
    stage_statements: [],
    stage_transactions: [],
  };
  c.cards.forEach((k, pos) => {
    const cardAsOf = k.asOf ?? customerAsOf;
    rows.stage_cards.push([
      line,
      pos,
      k.externalId,
      c.externalId,
      k.pan.slice(-4),
      keyedHash(keys.current, 'pan', k.pan),
      keyedHash(keys.current, activationPurpose(k.externalId), k.pan.slice(-6)),
      keys.currentId,
      k.product,
      k.currency,
      k.creditLimit,
      k.balance,
      k.availableCredit ?? null,
      k.status,
      k.expiresOn,
      cardAsOf,
    ]);
    for (const s of k.statements) {
      rows.stage_statements.push([line, s.externalId, k.externalId, s.closingDate, s.dueDate, s.balance, s.minimumDue, s.paidAmount, k.currency, cardAsOf]);
    }
    for (const t of k.transactions) {
      rows.stage_transactions.push([line, t.externalId, k.externalId, t.amount, t.currency ?? k.currency, maskCardNumbers(t.merchant), t.occurredAt]);
    }
  });
  return rows;
}

/** A staged row as an object keyed by its table's columns (for json_populate_recordset). */
export function rowObject(table: StageTable, row: StageValue[]): Record<string, StageValue> {
  return Object.fromEntries(STAGE[table].map((col, i) => [col, row[i]]));
}

/** One row in PostgreSQL's COPY text format: tab-separated, `\N` for null, backslash escapes. */
export function copyLine(row: StageValue[]): string {
  let out = '';
  for (let i = 0; i < row.length; i++) {
    const v = row[i];
    if (i > 0) out += '\t';
    if (v === null) out += '\\N';
    else if (typeof v === 'boolean') out += v ? 't' : 'f';
    else if (typeof v === 'number') out += String(v);
    else out += /[\\\t\n\r]/.test(v) ? v.replace(/[\\\t\n\r]/g, (ch) => COPY_ESCAPES[ch]) : v;
  }
  return `${out}\n`;
}

const COPY_ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };
