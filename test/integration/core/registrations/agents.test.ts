import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { confirmRegistration } from '../../../../src/core/registrations/decisions';
import { testGateway, type TestGateway } from '../../../helpers/gateway';

const LI = '+8613800138000'; // platinum, zh-CN
const CHAN = '+85291234567'; // gold, zh-HK
const JOHN = '+16465550123'; // standard, en
const AGENT = '+8613700137000'; // staff A-01, agent, zh-CN

let t: TestGateway;
beforeEach(async () => {
  t = await testGateway();
});
afterEach(async () => {
  await t.close();
});

const reg = (ref: string) => t.tdb.db.selectFrom('registrations').selectAll().where('ref', '=', ref).executeTakeFirstOrThrow();
const delivered = (to: string) => t.gw.dev.delivered.filter((d) => d.to === to).map((d) => d.body);
const refIn = (text: string) => /(?:编号|編號|reference )(\d{6})/.exec(text)![1];
async function staffLocale(locale: 'en' | 'zh-CN') {
  await t.tdb.db.updateTable('staff').set({ locale }).where('mobile', '=', AGENT).execute();
}

describe('sign-up confirmed by an agent over SMS', () => {
  it('runs end to end: JOIN, pending, OK from the agent phone, confirmation in the customer language', async () => {
    const [received] = await t.sms(LI, '报名HC2026');
    expect(received).toMatch(/^您已报名持卡人周年健康体检（2027年1月16日 09:00），编号\d{6}。报名确认后我们将短信通知您。$/);
    const ref = refIn(received);
    expect((await reg(ref)).status).toBe('pending');

    const [ack] = await t.sms(AGENT, `OK ${ref}`);
    expect(ack).toBe(`已确认${ref}（HC2026），已通知客户。`);
    expect((await reg(ref)).status).toBe('confirmed');
    expect(delivered(LI).at(-1)).toBe(
      `报名成功：持卡人周年健康体检，2027年1月16日 09:00，地点：Ruijin Hospital, 197 Ruijin Er Road, Shanghai。编号${ref}，期待您的光临。`,
    );
    const audit = await t.tdb.db
      .selectFrom('audit_log')
      .select(['actor_type', 'channel', 'action', 'subject'])
      .where('action', '=', 'registration.confirm')
      .execute();
    expect(audit).toEqual([{ actor_type: 'staff', channel: 'sms:dev', action: 'registration.confirm', subject: `registration:${ref}` }]);
  });

  it('declines with the reason as the agent typed it, politely, in the customer language', async () => {
    const ref = refIn((await t.sms(CHAN, '報名 HC2026'))[0]);
    await staffLocale('en');
    expect(await t.sms(AGENT, `no ${ref} Gold places are fully booked`)).toEqual([`Declined ${ref} (HC2026); the customer has been told.`]);
    expect(delivered(CHAN).at(-1)).toBe(
      `很抱歉，您的持卡人周年健康檢查報名（編號${ref}）未能確認。原因：Gold places are fully booked。如有查詢請致電400-820-8888。`,
    );
    expect(await reg(ref)).toMatchObject({ status: 'declined', reason: 'Gold places are fully booked' });
  });

  it('lists the oldest pending sign-ups and open cases to the agent', async () => {
    const ref = refIn((await t.sms(LI, '报名HC2026'))[0]);
    await t.sms(JOHN, 'CLOSE');
    const [list] = await t.sms(AGENT, 'LIST');
    expect(list).toMatch(new RegExp(`^待确认报名：${ref} HC2026 李伟 \\(platinum\\)\\n待处理案件：C\\d{6} retention C-1003$`));
  });

  it('tells the agent when a reference is unknown or already decided', async () => {
    await staffLocale('en');
    expect(await t.sms(AGENT, 'OK 999999')).toEqual(['No registration 999999.']);
    const ref = refIn((await t.sms(LI, 'JOIN HC2026'))[0]);
    await t.sms(AGENT, `OK ${ref}`);
    expect(await t.sms(AGENT, `NO ${ref}`)).toEqual([`${ref} is confirmed already; nothing changed.`]);
    expect(await t.sms(AGENT, 'OK')).toEqual(['Agent commands: OK 123456 to confirm a sign-up, NO 123456 [reason] to decline it, LIST for the queue.']);
  });
});

describe("the agents' world is closed to others", () => {
  it('answers OK from a customer phone and from an unknown number as any unknown text', async () => {
    const ref = refIn((await t.sms(LI, '报名HC2026'))[0]);
    expect(await t.sms(JOHN, `OK ${ref}`)).toEqual(['Sorry, we did not understand that. Reply HELP for all commands.']);
    expect(await t.sms('+8613500135000', `OK ${ref}`)).toEqual(['Sorry, we did not understand that. Reply HELP for all commands.']);
    // LIST is only the nearest cardholder keyword's neighbour for a customer: nothing of the queue.
    expect(await t.sms(JOHN, 'LIST')).toEqual(['Sorry, we did not understand that. Did you mean LOST? Reply HELP for all commands.']);
    expect((await reg(ref)).status).toBe('pending');
  });
});

describe('capacity, eligibility, duplicates', () => {
  it('waitlists when full and promotes the first on the list when a place frees', async () => {
    await t.tdb.db.updateTable('events').set({ capacity: 1 }).execute();
    const liRef = refIn((await t.sms(LI, '报名HC2026'))[0]);
    const [waiting] = await t.sms(CHAN, '報名HC2026');
    expect(waiting).toMatch(/^持卡人周年健康檢查名額已滿，您在候補名單第1位，編號\d{6}；如有空位我們將以短訊通知您。$/);
    const chanRef = refIn(waiting);
    expect((await reg(chanRef)).status).toBe('waitlisted');

    expect(await t.sms(LI, '取消报名')).toEqual([`您已取消持卡人周年健康体检的报名（编号${liRef}）。`]);
    expect((await reg(liRef)).status).toBe('withdrawn');
    expect((await reg(chanRef)).status).toBe('pending');
    expect(delivered(CHAN).at(-1)).toBe(`持卡人周年健康檢查（2027年1月16日 上午9:00）有空出名額，您的報名${chanRef}已進入待確認，我們將再以短訊通知您。`);
  });

  it('refuses an ineligible tier, a closed window and an unknown code', async () => {
    expect(await t.sms(JOHN, 'JOIN HC2026')).toEqual(['Sorry, Cardholder anniversary health check is open to selected cardholders only.']);
    expect(await t.sms(JOHN, 'JOIN NOPE')).toEqual(['We could not find an event with that code. Please check it and try again.']);
    expect(await t.sms(JOHN, 'JOIN')).toEqual(['To sign up for an event, reply JOIN followed by the event code, e.g. JOIN HC2026.']);
    t.clock.current = new Date('2027-01-11T00:00:00Z');
    expect(await t.sms(LI, 'LANG EN')).toHaveLength(1);
    expect(await t.sms(LI, 'JOIN HC2026')).toEqual(['Sign-up for Cardholder anniversary health check is not open now.']);
    expect(await t.tdb.db.selectFrom('registrations').selectAll().execute()).toEqual([]);
  });

  it('limits an event to holders of the named card products', async () => {
    await t.tdb.db
      .updateTable('events')
      .set({ eligible_tiers: [], eligible_products: ['GOLD'] })
      .execute();
    expect(await t.sms(LI, 'LANG EN')).toHaveLength(1);
    expect(await t.sms(LI, 'JOIN HC2026')).toEqual(['Sorry, Cardholder anniversary health check is open to selected cardholders only.']); // PLATINUM cards only
    expect((await t.sms(CHAN, '報名HC2026'))[0]).toMatch(/^您已報名/); // holds a GOLD card
  });

  it('tells a second JOIN it is already registered, with the same reference', async () => {
    const ref = refIn((await t.sms(LI, 'JOIN HC2026'))[0]);
    expect(await t.sms(LI, 'JOIN HC2026')).toEqual([`您已报名持卡人周年健康体检，编号${ref}。`]);
    expect(await t.tdb.db.selectFrom('registrations').selectAll().execute()).toHaveLength(1);
  });
});

describe('concurrent confirmations', () => {
  it('lets exactly one of two agents confirm, and texts the customer once', async () => {
    const ref = refIn((await t.sms(LI, 'JOIN HC2026'))[0]);
    const staff = await t.tdb.db.selectFrom('staff').selectAll().where('external_id', '=', 'A-01').executeTakeFirstOrThrow();
    const confirmOnce = () => t.tdb.db.transaction().execute((trx) => confirmRegistration(trx, t.gw.notifier, ref, { staff, channel: 'api' }, t.clock.now()));
    const results = await Promise.all([confirmOnce(), confirmOnce(), confirmOnce()]);
    expect(results.map((r) => r.kind).sort()).toEqual(['conflict', 'conflict', 'done']);
    const texts = await t.tdb.db
      .selectFrom('outbound_messages')
      .select('template')
      .where('to_number', '=', LI)
      .where('template', '=', 'reg.confirmed')
      .execute();
    expect(texts).toHaveLength(1);
  });
});

describe('CLOSE goes to retention', () => {
  it('opens a retention case with the tier offer, keeps the card open, and does not open a second', async () => {
    const [offer] = await t.sms(LI, '销卡5675');
    expect(offer).toMatch(
      /^已收到您注销卡号\*\*\*\*5675的申请（案件C\d{6}）。在您决定之前：我们愿为您免除下一年度年费。专员将在2小时内致电您，在此之前您的卡片保持有效。$/,
    );
    const c = await t.tdb.db.selectFrom('cases').selectAll().executeTakeFirstOrThrow();
    expect(c).toMatchObject({ kind: 'retention', status: 'open', offer: 'fee_waiver', due_at: new Date(t.clock.now().getTime() + 2 * 3600_000) });
    const card = await t.tdb.db.selectFrom('cards').select('status').where('last4', '=', '5675').executeTakeFirstOrThrow();
    expect(card.status).toBe('active');
    expect(await t.sms(LI, '销卡5675')).toEqual([`您注销卡号****5675的申请已在处理中（案件${c.ref}），专员将致电您。`]);
    expect(await t.sms(JOHN, 'CLOSE')).toEqual([
      expect.stringMatching(
        /^We have received your request to close card \*\*\*\*7891 \(case C\d{6}\)\. Before you decide: we would like to review your card rates with you\. A specialist will call you within 72 hours\./,
      ),
    ]);
    expect(await t.sms(LI, '销卡')).toEqual(['请问要注销哪张卡？请回复“销卡”加卡号末4位：****5675, ****5432。']);
  });
});
