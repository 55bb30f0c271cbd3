import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { testGateway, type TestGateway } from '../../helpers/gateway';

const TOKEN = 'card-system-token-0123456789abcdefghij';
const LI = '+8613800138000'; // platinum: K-1001 ****5675 active, K-1002 ****5432 inactive (code 765432)
let t: TestGateway;
let base: string;

beforeEach(async () => {
  t = await testGateway({ env: { CARD_SYSTEM_TOKEN: TOKEN } });
  base = `http://127.0.0.1:${await t.gw.start(0)}`;
});
afterEach(async () => {
  await t.close();
});

async function post(body: unknown, token: string | null = TOKEN) {
  const res = await fetch(`${base}/api/accounts/changes`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token === null ? {} : { authorization: `Bearer ${token}` }) },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as any };
}
const at = (minutes: number) => new Date(Date.parse('2026-11-28T02:30:00Z') + minutes * 60_000).toISOString();
const card = (ext: string) => t.tdb.db.selectFrom('cards').selectAll().where('external_id', '=', ext).executeTakeFirstOrThrow();

describe('POST /api/accounts/changes', () => {
  it('refuses a missing or wrong token, and a bad change with its index and field, applying nothing', async () => {
    const good = { type: 'card', cardId: 'K-1001', asOf: at(1), balance: 1 };
    expect((await post({ changes: [good] }, null)).status).toBe(401);
    expect((await post({ changes: [good] }, 'wrong-token-wrong-token-wrong-token')).status).toBe(401);
    const bad = await post({
      changes: [
        good,
        { ...good, asOf: 'yesterday' },
        { type: 'card', cardId: 'K-1001', asOf: at(2) },
        { type: 'card', cardId: 'K-1001', asOf: at(3), status: 'lost' },
      ],
    });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: any) => [e.index, e.path])).toEqual([
      [1, 'changes[1].asOf'],
      [2, 'changes[2]'],
      [3, 'changes[3].status'],
    ]);
    expect(bad.body.errors[1].message).toBe('expected at least one of balance, availableCredit, creditLimit, status, expiresOn');
    expect((await post({ changes: [{ type: 'points', customerId: 'C-1001', asOf: at(1), points: -1 }] })).body.errors[0]).toMatchObject({
      index: 0,
      path: 'changes[0].points',
    });
    expect((await post('{"changes": [')).status).toBe(400);
    expect((await post({ changes: [] })).body.errors[0].path).toBe('changes');
    expect((await card('K-1001')).balance).toBe(12345.67);
  });

  it('applies changes monotonically: an older change is stale, the same one a repeat, whatever the order they come in', async () => {
    expect((await post({ changes: [{ type: 'card', cardId: 'K-1001', asOf: at(10), balance: 500 }] })).body).toMatchObject({
      applied: 1,
      results: ['applied'],
    });
    const late = await post({ changes: [{ type: 'card', cardId: 'K-1001', asOf: at(5), balance: 100 }] });
    expect(late.body).toMatchObject({ applied: 0, stale: 1, results: ['stale'] });
    expect((await post({ changes: [{ type: 'card', cardId: 'K-1001', asOf: at(10), balance: 500 }] })).body.results).toEqual(['repeated']);
    // The same moment, a later version of it, applies; then the earlier version is stale.
    expect((await post({ changes: [{ type: 'card', cardId: 'K-1001', asOf: at(10), version: 2, balance: 510 }] })).body.results).toEqual(['applied']);
    expect((await post({ changes: [{ type: 'card', cardId: 'K-1001', asOf: at(10), version: 1, balance: 505 }] })).body.results).toEqual(['stale']);
    expect(await card('K-1001')).toMatchObject({ balance: 510, as_of: new Date(at(10)), as_of_version: 2 });
    // Within one batch, out of order: each field from the newest change that carries it.
    const batch = await post({
      changes: [
        { type: 'card', cardId: 'K-1001', asOf: at(30), availableCredit: 1000 },
        { type: 'card', cardId: 'K-1001', asOf: at(20), balance: 600, creditLimit: 2000 },
        { type: 'card', cardId: 'K-1001', asOf: at(25), balance: 700 },
        { type: 'card', cardId: 'K-NOPE', asOf: at(25), balance: 1 },
        { type: 'card', cardId: 'K-1001', asOf: at(1), balance: 1 },
      ],
    });
    expect(batch.body).toMatchObject({ applied: 3, stale: 1, unknown: 1, results: ['applied', 'applied', 'applied', 'unknown', 'stale'] });
    expect(await card('K-1001')).toMatchObject({ balance: 700, credit_limit: 2000, available_credit: 1000, as_of: new Date(at(30)) });
    expect(await t.sms(LI, '余额5675')).toEqual(['截至2026年11月28日 11:00：\n卡号****5675：当前欠款¥700.00，可用额度¥1,000.00。']);
  });

  it('freezes a card at once, and a card frozen by the card system cannot be activated by SMS', async () => {
    const r = await post({ changes: [{ type: 'card', cardId: 'K-1002', asOf: at(1), status: 'frozen' }] });
    expect(r.body.results).toEqual(['applied']);
    expect((await card('K-1002')).status).toBe('frozen');
    expect(await t.sms(LI, 'ACT 765432')).toEqual(['卡号****5432已冻结，无法通过短信开卡。请致电400-820-8000。']);
    expect((await card('K-1002')).status).toBe('frozen');
    expect(await t.tdb.db.selectFrom('activation_attempts').selectAll().execute()).toEqual([]);
  });

  it('keeps a status Uplink set after the change was true: an activation by SMS is not undone by an older freeze', async () => {
    expect(await t.sms(LI, 'ACT 765432')).toEqual(['卡号****5432已成功激活，感谢您的使用。']);
    const r = await post({ changes: [{ type: 'card', cardId: 'K-1002', asOf: at(1), status: 'frozen', balance: 12 }] });
    expect(r.body.results).toEqual(['applied']);
    expect(await card('K-1002')).toMatchObject({ status: 'active', balance: 12 });
  });

  it('changes points, statements and customers; refuses a mobile another customer holds', async () => {
    const r = await post({
      changes: [
        { type: 'points', customerId: 'C-1003', asOf: at(60), points: 4000 },
        {
          type: 'statement',
          statementId: 'S-3001-2612',
          cardId: 'K-3001',
          asOf: at(60),
          closingDate: '2026-12-01',
          dueDate: '2026-12-26',
          balance: 90.5,
          minimumDue: 25,
        },
        { type: 'customer', customerId: 'C-1003', asOf: at(60), name: 'John Q. Smith', tier: 'gold' },
        { type: 'customer', customerId: 'C-1004', asOf: at(60), mobile: '13800138000' },
        { type: 'points', customerId: 'C-NOPE', asOf: at(60), points: 1 },
        { type: 'statement', statementId: 'S-X', cardId: 'K-NOPE', asOf: at(60), closingDate: '2026-12-01', dueDate: '2026-12-26', balance: 1, minimumDue: 1 },
      ],
    });
    expect(r.body.results).toEqual(['applied', 'applied', 'applied', 'conflict', 'unknown', 'unknown']);
    const john = '+16465550123';
    expect(await t.sms(john, 'PTS')).toEqual(['You have 4,000 reward points (as of Nov 27, 2026, 10:30 PM).']);
    expect(await t.sms(john, 'BILL')).toEqual([
      'As of Nov 27, 2026, 10:30 PM:\nCard ****7891 statement of Dec 1, 2026: $90.50, minimum payment $25.00, due Dec 26, 2026.',
    ]);
    expect(await t.tdb.db.selectFrom('customers').select(['name', 'tier']).where('external_id', '=', 'C-1003').executeTakeFirstOrThrow()).toEqual({
      name: 'John Q. Smith',
      tier: 'gold',
    });
    // A payment: the same statement again, newer, with what was paid.
    const paid = await post({
      changes: [
        {
          type: 'statement',
          statementId: 'S-3001-2612',
          cardId: 'K-3001',
          asOf: at(90),
          closingDate: '2026-12-01',
          dueDate: '2026-12-26',
          balance: 90.5,
          minimumDue: 25,
          paidAmount: 25,
        },
      ],
    });
    expect(paid.body.results).toEqual(['applied']);
    expect(await t.sms(john, 'BILL')).toEqual([
      'As of Nov 27, 2026, 11:00 PM:\nCard ****7891 statement of Dec 1, 2026: $90.50, minimum payment $0.00, due Dec 26, 2026.',
    ]);
  });
});
