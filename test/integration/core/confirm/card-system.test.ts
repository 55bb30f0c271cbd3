import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { signBody } from '../../../../src/shared/signature';
import { FakeCardSystem } from '../../../helpers/fake-card-system';
import { TestClock, testGateway, type TestGateway } from '../../../helpers/gateway';

// Each account action: quote → Y <ref> → a signed request the fake card system records → the outcome text.
const LI = '13800138000'; // platinum, zh-CN → en below; card ****5675 (K-1001), 128,450 points
const LI_E164 = '+8613800138000';
const SECRET = 'card-system-hmac-secret-0123456789abcdef';

const fake = new FakeCardSystem(SECRET);
let url: string;
let t: TestGateway;
beforeAll(async () => {
  url = await fake.start();
});
afterAll(async () => {
  await fake.stop();
});
beforeEach(async () => {
  fake.received.length = 0;
  fake.answer = () => ({ status: 200, json: { status: 'done' } });
  // Real time: the fake checks the signature's timestamp against its own clock.
  t = await testGateway({ clock: TestClock.realTime(), env: { CARD_SYSTEM_URL: url, CARD_SYSTEM_SECRET: SECRET, RATE_LIMIT_PER_MINUTE: '100' } });
  await t.tdb.db.updateTable('customers').set({ locale: 'en' }).where('external_id', '=', 'C-1001').execute();
});
afterEach(async () => {
  await t.close();
});

/** The last text the phone received that was not a reply to one of its texts (an outcome). */
async function lastNotice(): Promise<string | undefined> {
  const rows = await t.tdb.db
    .selectFrom('outbound_messages')
    .select('id')
    .where('to_number', '=', LI_E164)
    .where('inbound_id', 'is', null)
    .orderBy('id')
    .execute();
  const ids = new Set(rows.map((r) => r.id));
  return t.gw.dev.delivered.filter((d) => ids.has(d.id)).at(-1)?.body;
}
const refOf = (quote: string) => /Y (\d{4})/.exec(quote)![1];

describe.each([
  ['LOCK', 'lock', {}, /card \*\*\*\*5675 is locked/],
  ['UNLOCK', 'unlock', {}, /card \*\*\*\*5675 is unlocked/],
  ['OVERSEAS OFF', 'overseas', { on: false }, /overseas use is off for card \*\*\*\*5675/],
  ['ONLINE ON', 'online', { on: true }, /online payments are on/],
  ['ESTMT ON', 'estmt', { on: true }, /e-statements are on/],
  ['TEMP 5000', 'temp', { amount: 5000, newLimit: 105000, currency: 'CNY' }, /temporary limit of CN¥105,000\.00/],
  ['INST 3', 'instal', { months: 3, amount: 10234.5, fee: 184.22, monthly: 3472.91 }, /3 payments of CN¥3,472\.91/],
  ['REDEEM LOUNGE', 'redeem', { code: 'LOUNGE', points: 15000 }, /Airport lounge pass redeemed for 15000 points/],
  ['TRAVEL 1220 0105 JP KR', 'travel', { countries: ['JP', 'KR'] }, /in JP, KR from/],
  ['REPLACE', 'replace', { fee: 0 }, /new card for \*\*\*\*5675/],
] as const)('%s', (text, kind, params, outcome) => {
  it('is quoted, confirmed with Y <ref>, sent signed to the card system, and its outcome texted', async () => {
    if (kind === 'unlock') await t.tdb.db.updateTable('cards').set({ locked: true }).where('external_id', '=', 'K-1001').execute();
    const [q] = await t.sms(LI, text);
    expect(q).toMatch(/Reply Y \d{4} to confirm or N \d{4} to cancel within 15 minutes/);
    expect(fake.received).toHaveLength(0); // nothing happens on the quote
    const ref = refOf(q);
    expect(await t.sms(LI, `Y ${ref}`)).toEqual([expect.stringContaining(`(${ref}) has gone to the card centre`)]);
    expect(fake.received).toHaveLength(1);
    const [req] = fake.received;
    expect(req.signed).toBe(true);
    expect(req.headers['idempotency-key']).toBe(req.body.idempotencyKey);
    expect(req.body).toMatchObject({ kind, reference: ref, customer: 'C-1001', params });
    if (kind !== 'redeem' && kind !== 'travel') expect(req.body.card).toBe('K-1001');
    expect(JSON.stringify(req.body)).not.toMatch(/6225|5675/); // no card number, not even the last 4: the card system has its id
    expect(await lastNotice()).toMatch(outcome);
    const row = await t.tdb.db.selectFrom('card_requests').selectAll().executeTakeFirstOrThrow();
    expect(row).toMatchObject({ status: 'done', attempts: 1, idempotency_key: req.body.idempotencyKey });
  });
});

describe('the card system answering later, refusing, or away', () => {
  const post = async (base: string, body: unknown, secret = SECRET) => {
    const raw = JSON.stringify(body);
    const ts = Math.floor(Date.now() / 1000);
    const res = await fetch(`${base}/api/card-system/callbacks`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-uplink-timestamp': String(ts), 'x-uplink-signature': signBody(secret, ts, raw) },
      body: raw,
    });
    return { status: res.status, body: (await res.json()) as any };
  };

  it('takes a 202, then a signed callback settles it and texts the customer once', async () => {
    const base = `http://127.0.0.1:${await t.gw.start(0)}`;
    fake.answer = () => ({ status: 202 });
    const ref = refOf((await t.sms(LI, 'LOCK'))[0]);
    await t.sms(LI, `Y ${ref}`);
    const key = fake.received[0].body.idempotencyKey;
    expect((await t.tdb.db.selectFrom('card_requests').select('status').executeTakeFirstOrThrow()).status).toBe('waiting');
    expect(await post(base, { idempotencyKey: key, status: 'declined', reason: 'other' }, 'wrong-secret-wrong-secret-wrong-secret')).toMatchObject({
      status: 401,
    });
    expect(await post(base, { idempotencyKey: key, status: 'maybe' })).toMatchObject({ status: 400 });
    expect(await post(base, { idempotencyKey: '00000000-0000-4000-8000-000000000000', status: 'done' })).toMatchObject({ status: 404 });
    expect(await post(base, { idempotencyKey: key, status: 'declined' })).toEqual({ status: 200, body: { settled: true, status: 'declined' } });
    expect(await post(base, { idempotencyKey: key, status: 'done' })).toEqual({ status: 200, body: { settled: false, status: 'declined' } });
    while ((await t.gw.dispatcher.runOnce()) > 0);
    const outcomes = await t.tdb.db.selectFrom('outbound_messages').select('template').where('template', 'like', 'confirm.declined').execute();
    expect(outcomes).toHaveLength(1);
    expect(await lastNotice()).toMatch(/Sorry, your lock card could not be done/);
  });

  it('retries a 503 with backoff under the same idempotency key, then settles', async () => {
    let calls = 0;
    fake.answer = () => (++calls === 1 ? { status: 503 } : { status: 200, json: { status: 'done' } });
    const ref = refOf((await t.sms(LI, 'ONLINE OFF'))[0]);
    await t.sms(LI, `Y ${ref}`);
    const row = await t.tdb.db.selectFrom('card_requests').selectAll().executeTakeFirstOrThrow();
    expect(row).toMatchObject({ status: 'queued', attempts: 1, last_error: 'HTTP 503' });
    expect(row.next_attempt_at.getTime() - Date.now()).toBeGreaterThan(20_000); // backoff: 30 s
    expect(await t.gw.cardRequests.runOnce()).toBe(0); // not due yet
    t.clock.advance(31_000);
    await t.tdb.db
      .updateTable('card_requests')
      .set({ next_attempt_at: new Date(Date.now() - 1000) })
      .execute(); // the fake checks timestamps against the wall clock
    expect(await t.gw.cardRequests.runOnce()).toBe(1);
    expect(fake.received.map((r) => r.body.idempotencyKey)).toEqual([row.idempotency_key, row.idempotency_key]);
    expect(await t.tdb.db.selectFrom('card_requests').select(['status', 'attempts']).executeTakeFirstOrThrow()).toEqual({ status: 'done', attempts: 2 });
  });

  it('gives up on a 4xx at once and tells the customer nothing was changed', async () => {
    fake.answer = () => ({ status: 400, json: { error: 'bad' } });
    const ref = refOf((await t.sms(LI, 'LOCK'))[0]);
    await t.sms(LI, `Y ${ref}`);
    expect(await t.tdb.db.selectFrom('card_requests').select(['status', 'last_error']).executeTakeFirstOrThrow()).toEqual({
      status: 'failed',
      last_error: 'HTTP 400',
    });
    expect(await lastNotice()).toMatch(/could not reach the card centre for your lock card\. Nothing was changed/);
  });
});
