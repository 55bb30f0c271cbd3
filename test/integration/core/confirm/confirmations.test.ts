import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { recordTransaction } from '../../../../src/core/checks/record';
import { testGateway, type TestGateway } from '../../../helpers/gateway';

// Without CARD_SYSTEM_URL the built-in card system applies confirmed actions to Uplink's own tables.
const JOHN = '+16465550123'; // standard, en, USD card ****7891 (K-3001), 3,150 points
const CHAN = '+85291234567'; // gold, zh-HK

let t: TestGateway;
beforeEach(async () => {
  t = await testGateway();
});
afterEach(async () => {
  await t.close();
});

const card = () => t.tdb.db.selectFrom('cards').selectAll().where('external_id', '=', 'K-3001').executeTakeFirstOrThrow();
const refOf = (quote: string) => /Y (\d{4})/.exec(quote)![1];
const requests = () => t.tdb.db.selectFrom('card_requests').selectAll().execute();
async function notices(to: string): Promise<string[]> {
  const rows = await t.tdb.db.selectFrom('outbound_messages').select('id').where('to_number', '=', to).where('inbound_id', 'is', null).orderBy('id').execute();
  const ids = new Set(rows.map((r) => r.id));
  return t.gw.dev.delivered.filter((d) => ids.has(d.id)).map((d) => d.body);
}

describe('the local card system', () => {
  it('applies LOCK and UNLOCK to the card, and LOST stays apart', async () => {
    await t.sms(JOHN, `Y ${refOf((await t.sms(JOHN, 'LOCK'))[0])}`);
    expect(await card()).toMatchObject({ locked: true, status: 'active' });
    expect(await notices(JOHN)).toEqual([expect.stringMatching(/^Done: card \*\*\*\*7891 is locked/)]);
    expect(await t.sms(JOHN, 'LOCK')).toEqual(['Card ****7891 is already locked. Reply UNLOCK to use it again.']);
    await t.sms(JOHN, `Y ${refOf((await t.sms(JOHN, 'UNLOCK'))[0])}`);
    expect((await card()).locked).toBe(false);
  });

  it('redeems points, and declines when they ran out meanwhile', async () => {
    await t.tdb.db
      .insertInto('rewards')
      .values({ code: 'PEN', name: JSON.stringify({ en: 'Pen', 'zh-CN': '笔', 'zh-HK': '筆' }), points: 3000 })
      .execute();
    const first = refOf((await t.sms(JOHN, 'REDEEM PEN'))[0]);
    const second = refOf((await t.sms(JOHN, 'REDEEM PEN'))[0]);
    await t.sms(JOHN, `Y ${first}`);
    await t.sms(JOHN, `Y ${second}`);
    expect((await t.tdb.db.selectFrom('customers').select('points').where('external_id', '=', 'C-1003').executeTakeFirstOrThrow()).points).toBe(150);
    expect(await notices(JOHN)).toEqual([
      expect.stringMatching(/Pen redeemed for 3000 points/),
      expect.stringMatching(/could not be done \(not enough points\)/),
    ]);
  });

  it('stores a travel notice, which the large-transaction check then reads', async () => {
    await t.sms(JOHN, `Y ${refOf((await t.sms(JOHN, 'TRAVEL 20261201 20261210 JP'))[0])}`);
    const notice = await t.tdb.db.selectFrom('travel_notices').selectAll().executeTakeFirstOrThrow();
    expect(notice).toMatchObject({ countries: ['JP'], from_day: '2026-12-01', to_day: '2026-12-10' });
    const at = new Date('2026-12-03T10:00:00Z');
    const report = (id: string, country: string) =>
      t.tdb.db
        .transaction()
        .execute((trx) =>
          recordTransaction(
            trx,
            t.gw.notifier,
            t.gw.config,
            { transactionId: id, cardId: 'K-3001', amount: 2000, currency: 'USD', merchant: 'Tokyo Store', occurredAt: at.toISOString(), country },
            at,
          ),
        );
    expect(await report('T-JP', 'JP')).toMatchObject({ kind: 'recorded', check: null });
    expect(await report('T-FR', 'FR')).toMatchObject({ kind: 'recorded', check: { status: 'pending' } });
  });
});

describe('answers', () => {
  it('N cancels: nothing goes to the card system', async () => {
    const ref = refOf((await t.sms(JOHN, 'OVERSEAS OFF'))[0]);
    expect(await t.sms(JOHN, `N ${ref}`)).toEqual([`Cancelled: your overseas use (${ref}) will not go ahead.`]);
    expect(await requests()).toEqual([]);
    expect((await card()).overseas_use).toBe(true);
    expect(await t.sms(JOHN, `Y ${ref}`)).toEqual(['There is no transaction waiting for your confirmation.']);
  });

  it('a quote expires: Y after the window does nothing and says so', async () => {
    const ref = refOf((await t.sms(JOHN, 'LOCK'))[0]);
    t.clock.advance(16 * 60_000);
    expect(await t.sms(JOHN, `Y ${ref}`)).toEqual(['That request has expired and nothing was done. Please send it again if you still want it.']);
    expect(await t.sms(JOHN, 'Y')).toEqual(['That request has expired and nothing was done. Please send it again if you still want it.']);
    expect(await requests()).toEqual([]);
    expect((await card()).locked).toBe(false);
    const row = await t.tdb.db.selectFrom('pending_confirmations').select('state').executeTakeFirstOrThrow();
    expect(row.state).toBe('expired');
  });

  it('a bare Y with two pending asks which, listing both; Y <ref> then does that one only', async () => {
    const lock = refOf((await t.sms(JOHN, 'LOCK'))[0]);
    const estmt = refOf((await t.sms(JOHN, 'ESTMT ON'))[0]);
    const [which] = await t.sms(JOHN, 'Y');
    expect(which).toBe(`You have several requests waiting: ${lock} lock card; ${estmt} e-statement. Reply Y with the 4-digit reference.`);
    expect(await requests()).toEqual([]);
    await t.sms(JOHN, `Y ${estmt}`);
    expect(await card()).toMatchObject({ estatement: true, locked: false });
    // One left: a bare Y now confirms it.
    await t.sms(JOHN, 'Y');
    expect((await card()).locked).toBe(true);
    expect((await requests()).map((r) => r.kind).sort()).toEqual(['estmt', 'lock']);
  });

  it('a bare Y with a quote and a large-transaction check pending asks which; each answered by its ref', async () => {
    const lock = refOf((await t.sms(JOHN, 'LOCK'))[0]);
    const now = t.clock.now();
    const recorded = await t.tdb.db
      .transaction()
      .execute((trx) =>
        recordTransaction(
          trx,
          t.gw.notifier,
          t.gw.config,
          { transactionId: 'T-BIG', cardId: 'K-3001', amount: 1500, currency: 'USD', merchant: 'Big Store', occurredAt: now.toISOString() },
          now,
        ),
      );
    const check = recorded.kind === 'recorded' ? recorded.check!.ref : '';
    expect(check).toMatch(/^\d{4}$/);
    expect(check).not.toBe(lock);
    const [which] = await t.sms(JOHN, 'Y');
    expect(which).toContain(`${lock} lock card`);
    expect(which).toContain(`${check} transaction check $1,500.00 Big Store`);
    expect(await t.sms(JOHN, `Y ${check}`)).toEqual([`Thank you, transaction ${check} is confirmed.`]);
    expect(await t.sms(JOHN, 'N')).toEqual([`Cancelled: your lock card (${lock}) will not go ahead.`]);
  });

  it('only the customer their own registered number can confirm: another number gets nothing done', async () => {
    const ref = refOf((await t.sms(JOHN, 'LOCK'))[0]);
    await t.sms(CHAN, `Y ${ref}`);
    await t.sms('+8613500135000', `Y ${ref}`);
    expect(await requests()).toEqual([]);
    expect((await t.tdb.db.selectFrom('pending_confirmations').select('state').executeTakeFirstOrThrow()).state).toBe('pending');
  });
});

describe('TEMP by the rule table', () => {
  it('refers a large increase to an agent with a call-back case, declines after late payments', async () => {
    const [refer] = await t.sms(JOHN, 'TEMP 1500'); // standard, limit 5,000: 30 % → refer
    expect(refer).toMatch(/needs a review; an officer will call you within 24 hours \(case (C\d{6})\)/);
    const ref = /case (C\d{6})/.exec(refer)![1];
    expect(await t.tdb.db.selectFrom('cases').select(['kind', 'status']).where('ref', '=', ref).executeTakeFirstOrThrow()).toEqual({
      kind: 'callback',
      status: 'open',
    });
    await t.tdb.db.updateTable('cards').set({ late_payments: 3 }).where('external_id', '=', 'K-3001').execute();
    expect((await t.sms(JOHN, 'TEMP 500'))[0]).toMatch(/cannot be approved now/);
    expect(await t.tdb.db.selectFrom('pending_confirmations').select('id').execute()).toEqual([]);
  });
});
