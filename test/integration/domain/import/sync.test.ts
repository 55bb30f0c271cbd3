import { mkdtempSync, writeFileSync } from 'node:fs';
import { cardKeyring } from '../../../../src/domain/pan';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { openSession, type Session } from '../../../../src/db/connection';
import type { LineProblem } from '../../../../src/domain/import/batch';
import { syncFile, type SyncOptions } from '../../../../src/domain/import/sync';
import { freshDatabase, type TestDatabase } from '../../../helpers/db';
import { TEST_SECRET } from '../../../helpers/gateway';
import { customerLine } from '../../../../bench/import/data';

const dir = mkdtempSync(path.join(os.tmpdir(), 'uplink-sync-'));
let tdb: TestDatabase;
let session: Session;

beforeEach(async () => {
  tdb = await freshDatabase();
  session = await openSession(tdb.url);
});
afterEach(async () => {
  await session.close();
  await tdb.drop();
});

let files = 0;
function ndjson(lines: string[]): string {
  const file = path.join(dir, `f${files++}.ndjson`);
  writeFileSync(file, lines.map((l) => `${l}\n`).join(''));
  return file;
}
const customers = (n: number, round = 0, from = 1) => Array.from({ length: n }, (_, i) => customerLine(from + i, round));

async function sync(file: string, opts: Partial<SyncOptions> = {}, s = session) {
  const problems: LineProblem[] = [];
  const result = await syncFile(s, { file, keys: cardKeyring(TEST_SECRET), region: 'CN', onProblem: (p) => problems.push(p), ...opts });
  return { result, problems };
}
const count = async (table: 'customers' | 'cards' | 'statements') =>
  Number(
    (
      await tdb.db
        .selectFrom(table)
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );

describe('NDJSON import', () => {
  it('loads one customer a line with card and statement, and a second file updates them', async () => {
    const first = await sync(ndjson(customers(30)), { batchLines: 7 });
    expect(first.result).toMatchObject({ mode: 'all-or-nothing', lines: 30, refused: 0, written: true });
    expect(first.result.counts.customers).toEqual({ inserted: 30, updated: 0, unchanged: 0 });
    expect(first.result.counts.statements).toEqual({ inserted: 30, updated: 0, unchanged: 0 });
    expect([await count('customers'), await count('cards'), await count('statements')]).toEqual([30, 30, 30]);
    const card = await tdb.db.selectFrom('cards').selectAll().where('external_id', '=', 'BK-7').executeTakeFirstOrThrow();
    expect(card.last4).toBe(JSON.parse(customerLine(7, 0)).cards[0].pan.slice(-4));
    expect(card.pan_hmac).toMatch(/^[0-9a-f]{64}$/);
    const pan = JSON.parse(customerLine(7, 0)).cards[0].pan as string;
    const { rows } = await sql<{ hits: number }>`
      SELECT count(*)::int AS hits FROM (
        SELECT row_to_json(t)::text AS r FROM customers t UNION ALL SELECT row_to_json(t)::text FROM cards t
        UNION ALL SELECT row_to_json(t)::text FROM statements t UNION ALL SELECT row_to_json(t)::text FROM import_runs t
      ) all_rows WHERE r LIKE ${`%${pan.slice(0, 12)}%`}`.execute(tdb.db);
    expect(rows[0].hits).toBe(0);

    const second = await sync(ndjson([...customers(10, 1), ...customers(20, 0, 11)]), { allOrNothing: false, batchLines: 8 });
    expect(second.result).toMatchObject({ mode: 'batches', lines: 30, refused: 0 });
    expect(second.result.counts.cards).toEqual({ inserted: 0, updated: 10, unchanged: 20 });
  });

  it('refuses a bad line by its number and field, and with all-or-nothing writes nothing', async () => {
    const lines = customers(12);
    lines[4] = lines[4].replace('"mobile":"+8613900000005"', '"mobile":"010-12345678"');
    lines[8] = '{"externalId": "X"';
    lines.splice(10, 0, '');
    const { result, problems } = await sync(ndjson(lines), { batchLines: 4 });
    expect(problems).toEqual([
      { line: 5, path: 'mobile', message: 'not a mobile number' },
      { line: 9, path: '(line)', message: expect.stringMatching(/^not JSON: /) },
    ]);
    expect(result).toMatchObject({ lines: 13, refused: 2, written: false });
    expect(await count('customers')).toBe(0);
  });

  it('refuses a card number or mobile that another record holds, and a record repeated in the file', async () => {
    await sync(ndjson(customers(3)));
    const stolen = JSON.parse(customerLine(9, 0));
    stolen.cards[0].pan = JSON.parse(customerLine(2, 0)).cards[0].pan;
    const moved = JSON.parse(customerLine(8, 0));
    moved.mobile = '+8613900000001';
    const movedLive = JSON.parse(customerLine(3, 1));
    movedLive.mobile = '+8613900000002';
    const { result, problems } = await sync(
      ndjson([customerLine(4, 0), JSON.stringify(stolen), JSON.stringify(moved), customerLine(4, 1), customerLine(5, 0), JSON.stringify(movedLive)]),
      {
        allOrNothing: false,
        batchLines: 2,
      },
    );
    expect(problems.sort((a, b) => a.line - b.line)).toEqual([
      { line: 2, path: 'cards[0].pan', message: 'already registered as card BK-2' },
      { line: 3, path: 'mobile', message: 'already registered to customer B-1' },
      { line: 4, path: 'externalId', message: 'customer B-4 is on an earlier line of this file' },
      { line: 4, path: 'cards[0].externalId', message: 'card BK-4 is on an earlier line of this file' },
      { line: 6, path: 'mobile', message: 'already registered to customer B-2' },
    ]);
    expect(result).toMatchObject({ refused: 4, written: true });
    expect(result.counts.customers).toEqual({ inserted: 2, updated: 0, unchanged: 0 });
    const b3 = await tdb.db.selectFrom('customers').select('mobile').where('external_id', '=', 'B-3').executeTakeFirstOrThrow();
    expect(b3.mobile).toBe('+8613900000003');
    expect((await tdb.db.selectFrom('customers').select('external_id').orderBy('id').execute()).map((c) => c.external_id)).toEqual([
      'B-1',
      'B-2',
      'B-3',
      'B-4',
      'B-5',
    ]);
  });

  it.each([false, true])('refuses a mobile another customer took after the file was true (all-or-nothing: %s)', async (allOrNothing) => {
    const asOf = new Date('2026-11-30T02:00:00+08:00');
    await sync(ndjson(customers(3)), { asOf });
    // Live changes after the file's moment: B-1 moves to a new number and B-2 takes B-1's old one.
    const later = new Date('2026-11-30T03:00:00+08:00');
    await tdb.db.updateTable('customers').set({ mobile: '+8613700000099', as_of: later }).where('external_id', '=', 'B-1').execute();
    await tdb.db.updateTable('customers').set({ mobile: '+8613900000001', as_of: later }).where('external_id', '=', 'B-2').execute();
    const { result, problems } = await sync(ndjson(customers(3, 1)), { asOf, allOrNothing });
    expect(problems).toEqual([{ line: 1, path: 'mobile', message: 'already registered to customer B-2' }]);
    expect(result.refused).toBe(1);
    expect([result.counts.customers, result.counts.cards]).toEqual([
      { inserted: 0, updated: 2, unchanged: 0 },
      { inserted: 0, updated: 2, unchanged: 0 },
    ]);
  });

  it.each([false, true])('refuses a card number another card took after the file was true (all-or-nothing: %s)', async (allOrNothing) => {
    const asOf = new Date('2026-11-30T02:00:00+08:00');
    await sync(ndjson(customers(3)), { asOf });
    const later = new Date('2026-11-30T03:00:00+08:00');
    const hmac = async (card: string) =>
      (await tdb.db.selectFrom('cards').select('pan_hmac').where('external_id', '=', card).executeTakeFirstOrThrow()).pan_hmac;
    const old = await hmac('BK-1');
    // A reissue after the file's moment: BK-1 gets a new number, and BK-2 is recorded with BK-1's old one.
    await tdb.db
      .updateTable('cards')
      .set({ pan_hmac: 'f'.repeat(64), as_of: later })
      .where('external_id', '=', 'BK-1')
      .execute();
    await tdb.db.updateTable('cards').set({ pan_hmac: old, as_of: later }).where('external_id', '=', 'BK-2').execute();
    const { result, problems } = await sync(ndjson(customers(3, 1)), { asOf, allOrNothing });
    expect(problems).toEqual([{ line: 1, path: 'cards[0].pan', message: 'already registered as card BK-2' }]);
    expect(result.refused).toBe(1);
    expect(result.counts.cards).toEqual({ inserted: 0, updated: 1, unchanged: 1 });
  });

  it('takes a new mobile nobody holds in a file committed per batch', async () => {
    await sync(ndjson(customers(3)));
    const moved = JSON.parse(customerLine(2, 1));
    moved.mobile = '+8613700000042';
    const { result, problems } = await sync(ndjson([customerLine(1, 1), JSON.stringify(moved), customerLine(3, 1)]), { allOrNothing: false });
    expect(problems).toEqual([]);
    expect(result).toMatchObject({ refused: 0 });
    expect((await tdb.db.selectFrom('customers').select('mobile').where('external_id', '=', 'B-2').executeTakeFirstOrThrow()).mobile).toBe('+8613700000042');
  });

  it.each([
    ['B-1 first', [1, 2]],
    ['B-2 first', [2, 1]],
  ])('refuses two customers swapping mobiles in one batch whichever comes first (%s)', async (_, order) => {
    await sync(ndjson(customers(3)));
    const swapped = order.map((i) => {
      const line = JSON.parse(customerLine(i, 1));
      line.mobile = `+861390000000${3 - i}`;
      return JSON.stringify(line);
    });
    const { result, problems } = await sync(ndjson([...swapped, customerLine(3, 1)]), { allOrNothing: false });
    expect(problems.sort((a, b) => a.line - b.line)).toEqual([
      { line: 1, path: 'mobile', message: `already registered to customer B-${3 - order[0]}` },
      { line: 2, path: 'mobile', message: `already registered to customer B-${3 - order[1]}` },
    ]);
    expect(result.counts.customers).toEqual({ inserted: 0, updated: 1, unchanged: 0 });
  });

  it('takes a customer another session inserted while the batch was being merged', async () => {
    // Another session inserts B-2 and holds it uncommitted: the batch's merge, which did not see it,
    // waits on the unique index, meets the key once the other commits, and merges again after the check.
    const other = await openSession(tdb.url);
    await other.client.query('BEGIN');
    await other.client.query(
      `INSERT INTO customers (external_id, name, mobile, locale, time_zone, tier) VALUES ('B-2', 'Other', '+8613700000002', 'en', 'UTC', 'gold')`,
    );
    const importing = sync(ndjson(customers(3)), { allOrNothing: false });
    const waiting = async () =>
      (
        await sql<{ n: number }>`SELECT count(*)::int AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()`.execute(
          tdb.db,
        )
      ).rows[0].n;
    while ((await waiting()) === 0) await new Promise((r) => setTimeout(r, 20));
    await other.client.query('COMMIT');
    await other.close();
    const { result, problems } = await importing;
    expect(problems).toEqual([]);
    expect(result).toMatchObject({ mode: 'batches', refused: 0 });
    expect(result.counts.customers).toEqual({ inserted: 2, updated: 1, unchanged: 0 });
    const b2 = await tdb.db.selectFrom('customers').select(['name', 'mobile']).where('external_id', '=', 'B-2').executeTakeFirstOrThrow();
    expect(b2).toEqual({ name: 'Bench Customer 2', mobile: '+8613900000002' });
  });

  it('--check reports what an import would do and writes nothing', async () => {
    await sync(ndjson(customers(5)));
    const { result } = await sync(ndjson([...customers(5, 1), ...customers(2, 0, 6)]), { check: true, snapshot: true });
    expect(result).toMatchObject({ mode: 'check', written: false, refused: 0 });
    expect(result.counts.customers).toEqual({ inserted: 2, updated: 5, unchanged: 0 }); // points move with the round
    expect(result.counts.cards).toEqual({ inserted: 2, updated: 5, unchanged: 0 });
    expect(await count('customers')).toBe(5);
    expect(await tdb.db.selectFrom('import_runs').select('id').execute()).toHaveLength(1);
  });

  it('resumes an interrupted import from its last committed batch', async () => {
    const file = ndjson(customers(20));
    const stop = new AbortController();
    const first = await sync(file, { allOrNothing: false, batchLines: 6, signal: stop.signal, onProgress: () => stop.abort() });
    expect(first.result).toMatchObject({ stopped: true, lines: 6 });
    expect(await count('customers')).toBe(6);
    // A crash: the connection dies after the next batch commits.
    const crashing = await openSession(tdb.url);
    const pid = (await crashing.client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0].pid;
    const killed = sync(
      file,
      { allOrNothing: false, batchLines: 6, onProgress: () => void session.client.query('SELECT pg_terminate_backend($1)', [pid]) },
      crashing,
    );
    await expect(killed).rejects.toThrow();
    await crashing.close().catch(() => {});
    // Killed after its first batch committed (the kill races the next batch, which may commit too).
    const committed = await count('customers');
    expect([12, 18]).toContain(committed);
    const starts: number[] = [];
    const last = await sync(file, { allOrNothing: false, batchLines: 6, onStart: (s) => starts.push(s.lines) });
    expect(starts).toEqual([committed]);
    expect(last.result).toMatchObject({ resumedAfter: committed, lines: 20, stopped: false, refused: 0 });
    expect(last.result.counts.customers).toEqual({ inserted: 20, updated: 0, unchanged: 0 });
    expect(await count('customers')).toBe(20);
    expect(await tdb.db.selectFrom('import_runs').select(['status', 'lines_done']).execute()).toEqual([{ status: 'done', lines_done: 20 }]);
  });

  it('reports what a full snapshot lacks and closes it only with --snapshot', async () => {
    await sync(ndjson(customers(6)));
    const without = await sync(ndjson(customers(4)));
    expect(without.result.missing).toEqual({ customers: 2, cards: 2, sample: { customers: ['B-5', 'B-6'], cards: ['BK-5', 'BK-6'] } });
    expect(without.result.closed).toBe(false);
    const refusing = await sync(ndjson([...customers(3), '{}']), { snapshot: true, allOrNothing: false });
    expect(refusing.result).toMatchObject({ refused: 1, closed: false });
    expect(await count('customers')).toBe(6);
    const snapshot = await sync(ndjson(customers(4)), { snapshot: true });
    expect(snapshot.result).toMatchObject({ closed: true, missing: { customers: 2, cards: 2 } });
    const closed = await tdb.db.selectFrom('customers').select(['external_id']).where('closed_at', 'is not', null).orderBy('external_id').execute();
    expect(closed.map((c) => c.external_id)).toEqual(['B-5', 'B-6']);
    expect((await tdb.db.selectFrom('cards').select('status').where('external_id', '=', 'BK-6').executeTakeFirstOrThrow()).status).toBe('closed');
    // Back in a later file, the customer is open again.
    await sync(ndjson(customers(6)));
    expect(await tdb.db.selectFrom('customers').select('id').where('closed_at', 'is not', null).execute()).toEqual([]);
  });

  it('leaves a figure the card system changed after the file was true', async () => {
    const asOf = new Date('2026-11-30T02:00:00+08:00');
    await sync(ndjson(customers(2)), { asOf });
    await tdb.db
      .updateTable('cards')
      .set({ balance: 42, as_of: new Date('2026-11-30T03:00:00+08:00') })
      .where('external_id', '=', 'BK-1')
      .execute();
    const { result } = await sync(ndjson(customers(2, 1)), { asOf });
    expect(result.counts.cards).toEqual({ inserted: 0, updated: 1, unchanged: 1 });
    expect((await tdb.db.selectFrom('cards').select('balance').where('external_id', '=', 'BK-1').executeTakeFirstOrThrow()).balance).toBe(42);
  });
});
