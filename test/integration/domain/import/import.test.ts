import { readFileSync } from 'node:fs';
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { ImportError, importDocument, parseImport } from '../../../../src/domain/import/import';
import { freshDatabase, type TestDatabase } from '../../../helpers/db';
import { TEST_SECRET } from '../../../helpers/gateway';

const exampleText = readFileSync('test/fixtures/import-example.json', 'utf8');
const example = () => parseImport(exampleText, 'CN');
let tdb: TestDatabase;

beforeEach(async () => {
  tdb = await freshDatabase();
});
afterEach(async () => {
  await tdb.drop();
});

async function counts() {
  const n = async (table: 'customers' | 'cards' | 'statements' | 'transactions' | 'events' | 'staff') =>
    Number(
      (
        await tdb.db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
  return {
    customers: await n('customers'),
    cards: await n('cards'),
    statements: await n('statements'),
    transactions: await n('transactions'),
    events: await n('events'),
    staff: await n('staff'),
  };
}

describe('import', () => {
  it('loads every kind of record and is idempotent by external id', async () => {
    const expected = { customers: 1, cards: 1, statements: 1, transactions: 1, events: 1, staff: 1 };
    expect(await importDocument(tdb.db, example(), TEST_SECRET)).toEqual(expected);
    expect(await importDocument(tdb.db, example(), TEST_SECRET)).toEqual(expected);
    expect(await counts()).toEqual(expected);
  });

  it('updates records on re-import', async () => {
    await importDocument(tdb.db, example(), TEST_SECRET);
    const doc = example();
    doc.customers[0].points = 9999;
    doc.customers[0].cards[0].balance = 10;
    await importDocument(tdb.db, doc, TEST_SECRET);
    const row = await tdb.db
      .selectFrom('customers')
      .innerJoin('cards', 'cards.customer_id', 'customers.id')
      .select(['points', 'balance'])
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ points: 9999, balance: 10 });
  });

  it('never stores the full card number: last 4 and keyed hashes only', async () => {
    await importDocument(tdb.db, example(), TEST_SECRET);
    const card = await tdb.db.selectFrom('cards').selectAll().executeTakeFirstOrThrow();
    expect(card.last4).toBe('5675');
    expect(card.pan_hmac).toMatch(/^[0-9a-f]{64}$/);
    const { rows } = await sql<{ hits: number }>`
      SELECT count(*)::int AS hits FROM (
        SELECT row_to_json(t)::text AS r FROM customers t UNION ALL SELECT row_to_json(t)::text FROM cards t
        UNION ALL SELECT row_to_json(t)::text FROM statements t UNION ALL SELECT row_to_json(t)::text FROM transactions t
      ) all_rows WHERE r LIKE '%6225880012345675%' OR r LIKE '%622588001234%'`.execute(tdb.db);
    expect(rows[0].hits).toBe(0);
  });

  it('is all-or-nothing: a conflict with an existing record writes nothing and names the field', async () => {
    await importDocument(tdb.db, example(), TEST_SECRET);
    const doc = example();
    doc.customers[0].points = 1;
    doc.customers.push({ ...structuredClone(doc.customers[0]), externalId: 'C-OTHER', mobile: '+8613800138001', cards: [] });
    doc.customers[0].mobile = '+8613800138002';
    doc.customers[1].points = 7;
    const err = await importDocument(tdb.db, doc, TEST_SECRET).catch((e) => e);
    expect(err).toBeInstanceOf(ImportError);
    expect((err as ImportError).problems).toEqual([{ path: 'customers[1].mobile', message: 'already registered to customer C-9001' }]);
    const row = await tdb.db.selectFrom('customers').select(['points', 'mobile']).executeTakeFirstOrThrow();
    expect(row).toEqual({ points: 5000, mobile: '+8613800138001' });
    expect((await counts()).customers).toBe(1);
  });

  it('refuses a card number already held by another card', async () => {
    await importDocument(tdb.db, example(), TEST_SECRET);
    const doc = example();
    doc.customers[0].cards[0].externalId = 'K-NEW';
    const err = await importDocument(tdb.db, doc, TEST_SECRET).catch((e) => e);
    expect((err as ImportError).problems).toEqual([{ path: 'customers[0].cards[0].pan', message: 'already registered as card K-9001' }]);
  });
});
