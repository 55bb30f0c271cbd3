import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { jobDefinitions, runJob } from '../../../src/scheduler/jobs';
import { testGateway, type TestGateway } from '../../helpers/gateway';
import { waitFor } from '../../helpers/wait';

const TOKEN = 'card-system-token-0123456789abcdefghij';
const LI = '+8613800138000'; // platinum, CNY card K-1001 ****5675: threshold ¥50,000
const WANG = '+8613900139000';
let t: TestGateway;
let base: string;

beforeEach(async () => {
  t = await testGateway({ env: { CARD_SYSTEM_TOKEN: TOKEN } });
  base = `http://127.0.0.1:${await t.gw.start(0)}`;
});
afterEach(async () => {
  await t.close();
});

const tx = (id: string, amount: number, extra: Record<string, unknown> = {}) => ({
  transactionId: id,
  cardId: 'K-1001',
  amount,
  currency: 'CNY',
  merchant: 'Apple Store Pudong',
  occurredAt: '2026-11-28T10:29:00+08:00',
  ...extra,
});

async function post(body: unknown, token: string | null = TOKEN) {
  const res = await fetch(`${base}/api/transactions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token === null ? {} : { authorization: `Bearer ${token}` }) },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as any };
}

const check = (ref: string) => t.tdb.db.selectFrom('transaction_checks').selectAll().where('ref', '=', ref).executeTakeFirstOrThrow();
const cardStatus = async () => (await t.tdb.db.selectFrom('cards').select('status').where('external_id', '=', 'K-1001').executeTakeFirstOrThrow()).status;
const escalate = () =>
  runJob(
    { db: t.tdb.db, notifier: t.gw.notifier, config: t.gw.config },
    jobDefinitions('UTC').find((j) => j.name === 'txcheck-escalate')!,
    t.clock.now(),
  );

describe('POST /api/transactions', () => {
  it('refuses a missing or wrong token and bad bodies, field by field', async () => {
    expect((await post(tx('T1', 100), null)).status).toBe(401);
    expect((await post(tx('T1', 100), 'wrong-token')).body.title).toBe('Missing or invalid token');
    const bad = await post({ ...tx('T1', -5), currency: 'rmb', occurredAt: 'yesterday', extra: true });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: any) => e.path).sort()).toEqual(['(document)', 'amount', 'currency', 'occurredAt']);
    expect(await post(tx('T1', 100, { cardId: 'K-NOPE' }))).toMatchObject({ status: 422, body: { errors: [{ path: 'cardId', message: 'no such card' }] } });
    expect(await t.tdb.db.selectFrom('transactions').select('id').where('external_id', '=', 'T1').execute()).toEqual([]);
  });

  it('records small transactions without asking, and is idempotent by transaction id', async () => {
    expect(await post(tx('T2', 120.5))).toEqual({ status: 201, body: { transactionId: 'T2', check: null } });
    expect(await post(tx('T2', 120.5))).toEqual({ status: 200, body: { transactionId: 'T2', check: null } });
    expect(await post(tx('T2', 999))).toMatchObject({ status: 409 });
  });

  it('asks about a large transaction at once, as a security text that expires with the window', async () => {
    const r = await post(tx('T3', 60000));
    expect(r.status).toBe(201);
    const ref = r.body.check.ref;
    expect(ref).toMatch(/^\d{4}$/);
    // The running gateway's dispatcher sends it (kicked by the endpoint); wait for it to settle.
    const sent = () => t.tdb.db.selectFrom('outbound_messages').selectAll().where('template', '=', 'txcheck.ask').executeTakeFirstOrThrow();
    await waitFor('the question sent', async () => !['queued', 'sending'].includes((await sent()).status));
    const msg = await sent();
    expect(msg).toMatchObject({
      to_number: LI,
      class: 'security',
      status: 'sent',
      expires_at: new Date(t.clock.now().getTime() + 30 * 60_000),
      body: `安全提示：您尾号****5675的卡于2026年11月28日 10:29在Apple Store Pudong消费¥60,000.00。如是本人交易请回复“是${ref}”，否则回复“否${ref}”。30分钟内未回复将转交风险团队。`,
    });
    expect(await post(tx('T3', 60000))).toEqual({ status: 200, body: { transactionId: 'T3', check: { ref, status: 'pending' } } });
  });
});

describe('Y / N answers', () => {
  it('Y confirms', async () => {
    const ref = (await post(tx('T4', 80000))).body.check.ref;
    expect(await t.sms(LI, '是')).toEqual([`谢谢，交易${ref}已确认。`]);
    expect((await check(ref)).status).toBe('confirmed');
    expect(await cardStatus()).toBe('active');
  });

  it('N freezes the card at once, opens a fraud case and gives the hotline', async () => {
    const ref = (await post(tx('T5', 80000))).body.check.ref;
    const [reply] = await t.sms(LI, `否 ${ref}`);
    const fraud = await t.tdb.db.selectFrom('cases').selectAll().executeTakeFirstOrThrow();
    expect(reply).toBe(`卡号****5675已冻结，风险团队已受理您的案件（${ref}）。请立即致电400-820-8000。`);
    expect(await cardStatus()).toBe('frozen');
    expect(fraud).toMatchObject({ kind: 'fraud', status: 'open', source: expect.stringMatching(/^txn:\d+$/) });
    expect((await check(ref)).status).toBe('denied');
  });

  it('asks which one when two are pending, and the reference picks', async () => {
    const a = (await post(tx('T6', 70000))).body.check.ref;
    const b = (await post(tx('T7', 90000, { merchant: 'Hermès' }))).body.check.ref;
    expect(await t.sms(LI, 'Y')).toEqual([`您有多笔交易待确认：${a} ¥70,000.00 Apple Store Pudong; ${b} ¥90,000.00 Hermès。请回复“Y”加4位编号。`]);
    expect(await t.sms(LI, `Y ${b}`)).toEqual([`谢谢，交易${b}已确认。`]);
    expect((await check(a)).status).toBe('pending');
    expect(await t.sms(LI, 'Y')).toEqual([`谢谢，交易${a}已确认。`]);
  });

  it('escalates an unanswered check to the agents and tells a late answer it expired', async () => {
    const ref = (await post(tx('T8', 80000))).body.check.ref;
    t.clock.advance(31 * 60_000);
    expect(await escalate()).toEqual({ escalated: 1 });
    expect(await escalate()).toEqual({ escalated: 0 });
    expect((await check(ref)).status).toBe('escalated');
    expect(await t.tdb.db.selectFrom('cases').select(['kind', 'summary']).execute()).toEqual([
      { kind: 'fraud', summary: `No answer to large-transaction check ${ref}` },
    ]);
    expect(await t.sms(LI, `否${ref}`)).toEqual(['该确认已过期并已转交风险团队，他们会与您联系。如有疑问请致电400-820-8000。']);
    expect(await cardStatus()).toBe('active');
  });

  it('ignores an answer from another number', async () => {
    const ref = (await post(tx('T9', 80000))).body.check.ref;
    expect(await t.sms(WANG, `N ${ref}`)).toEqual(['您目前没有待确认的交易。']);
    expect((await check(ref)).status).toBe('pending');
    expect(await cardStatus()).toBe('active');
  });

  it('the sweeper asks about a large transaction stored without its question', async () => {
    const card = await t.tdb.db.selectFrom('cards').select('id').where('external_id', '=', 'K-1001').executeTakeFirstOrThrow();
    await t.tdb.db
      .insertInto('transactions')
      .values({
        external_id: 'T10',
        card_id: card.id,
        amount: 75000,
        currency: 'CNY',
        merchant: 'Bulk load',
        occurred_at: t.clock.now(),
        created_at: new Date(t.clock.now().getTime() - 5 * 60_000),
      })
      .execute();
    const sweep = jobDefinitions('UTC').find((j) => j.name === 'txcheck-sweep')!;
    expect(await runJob({ db: t.tdb.db, notifier: t.gw.notifier, config: t.gw.config }, sweep, t.clock.now())).toEqual({ asked: 1 });
    expect(await runJob({ db: t.tdb.db, notifier: t.gw.notifier, config: t.gw.config }, sweep, t.clock.now())).toEqual({ asked: 0 });
  });
});
