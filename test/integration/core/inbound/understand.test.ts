import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { testGateway, type TestGateway } from '../../../helpers/gateway';

const LI = '+8613800138000'; // zh-CN, cards ****5675 and ****5432
const CHAN = '+85291234567'; // zh-HK, card ****3341
const JOHN = '+16465550123'; // en, card ****7891, no marketing consent
const STRANGER = '+8613500135000';

let t: TestGateway;
beforeEach(async () => {
  t = await testGateway();
});
afterEach(async () => {
  await t.close();
});

const cardStatus = async (last4: string) => (await t.tdb.db.selectFrom('cards').select('status').where('last4', '=', last4).executeTakeFirstOrThrow()).status;
const suppressed = async (mobile: string) => (await t.tdb.db.selectFrom('suppressions').select('mobile').where('mobile', '=', mobile).execute()).length > 0;
const lastAudit = async () =>
  (await t.tdb.db
    .selectFrom('audit_log')
    .select(['action', 'details'])
    .where('action', 'like', 'command.%')
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirstOrThrow()) as {
    action: string;
    details: Record<string, unknown>;
  };

describe('one read-only intent, however it is typed', () => {
  it('gets the same answer as its keyword, in the sender’s language', async () => {
    expect(await t.sms(CHAN, '查詢餘額')).toEqual(await t.sms(CHAN, '餘額'));
    expect(await t.sms(CHAN, '唔該幫我查下月結單')).toEqual(await t.sms(CHAN, '賬單'));
    expect(await t.sms(LI, '我想查一下积分')).toEqual(await t.sms(LI, '积分'));
    expect(await t.sms(LI, 'CXYE')).toEqual(await t.sms(LI, '余额'));
    expect(await t.sms(JOHN, "what's my balance?")).toEqual(await t.sms(JOHN, 'BAL'));
    expect(await t.sms(JOHN, 'balance for my card ending 7891 please')).toEqual(await t.sms(JOHN, 'BAL 7891'));
    expect(await lastAudit()).toMatchObject({ action: 'command.balance', details: { replies: ['bal.report'] } });
  });

  it('records that it was read loosely', async () => {
    await t.sms(JOHN, 'my bill');
    expect(await lastAudit()).toEqual({ action: 'command.bill', details: expect.objectContaining({ loose: true, replies: ['bill.report'] }) });
  });

  it('answers a stranger in the language of the text', async () => {
    expect((await t.sms(STRANGER, '點用'))[0]).toMatch(/^Uplink短訊指令：/);
    expect((await t.sms(STRANGER, '唔該'))[0]).toMatch(/^Uplink短訊指令：/);
    expect((await t.sms(STRANGER, '怎么用'))[0]).toMatch(/^Uplink短信指令：/);
    expect((await t.sms(STRANGER, 'how do I use this'))[0]).toMatch(/^Uplink: BAL balance/);
  });
});

describe('two read-only intents', () => {
  it('are asked about, not guessed', async () => {
    expect(await t.sms(JOHN, 'balance and bill')).toEqual(['Which one would you like: BAL / BILL? Reply with one of them.']);
    expect(await t.sms(LI, '余额和积分')).toEqual(['请问您要查询哪一项：余额 / 积分？请回复其中一项。']);
    expect(await t.sms(CHAN, '餘額同積分')).toEqual(['請問您想查詢哪一項：餘額 / 積分？請回覆其中一項。']);
    expect(await lastAudit()).toMatchObject({ action: 'command.ambiguous', details: { choices: ['balance', 'points'] } });
  });
});

describe('an action named loosely, negated or asked', () => {
  it('is asked about and nothing changes; the exact keyword does it', async () => {
    expect(await t.sms(JOHN, 'is my card lost')).toEqual([
      'Report a card lost and freeze it? Nothing has been done. To do it, reply LOST, or LOST and the last 4 digits of the card.',
    ]);
    expect(await t.sms(CHAN, '唔好掛失')).toEqual(['您是否要掛失並凍結信用卡？我們未有作任何處理。如需辦理，請回覆「掛失」，或「掛失」加卡號末4位。']);
    expect(await t.sms(LI, '挂失吗')).toEqual(['您是要挂失并冻结信用卡吗？我们尚未办理任何操作。如需办理，请回复“挂失”，或“挂失”加卡号末4位。']);
    expect(await lastAudit()).toMatchObject({ action: 'command.unsure', details: { asked: 'lost', replies: ['understand.unsure'] } });
    expect([await cardStatus('7891'), await cardStatus('3341'), await cardStatus('5675')]).toEqual(['active', 'active', 'active']);
    expect((await t.sms(JOHN, 'LOST please'))[0]).toMatch(/frozen/);
    expect(await cardStatus('7891')).toBe('frozen');
  });

  it('asks an answer to a check to be typed as its keyword', async () => {
    expect(await t.sms(JOHN, 'no it was not me')).toEqual(['Answering a transaction check? Nothing has been done. To do it, reply Y if it was you, N if not.']);
    expect(await t.sms(LI, '不是本人')).toEqual(['您是在回复交易核实吗？我们尚未办理任何操作。如需办理，请回复“是”（本人交易）或“否”（非本人交易）。']);
  });
});

describe('carrier opt-out and opt-in words', () => {
  it('opt out alone, or at the head of a text for STOP and TD; as everyday words they change nothing', async () => {
    expect((await t.sms(JOHN, 'cancel my card'))[0]).toMatch(/^Close a card\? Nothing has been done/);
    expect((await t.sms(JOHN, 'the end'))[0]).toMatch(/did not understand/);
    expect((await t.sms(JOHN, 'T-shirt'))[0]).toMatch(/did not understand/);
    expect(await suppressed(JOHN)).toBe(false);
    expect((await t.sms(JOHN, 'Cancel.'))[0]).toMatch(/no longer receive marketing/);
    expect(await suppressed(JOHN)).toBe(true);
    expect((await t.sms(CHAN, 'STOP?'))[0]).toMatch(/.+/);
    expect(await suppressed(CHAN)).toBe(true);
  });

  it('opt in only as the whole text', async () => {
    await t.sms(JOHN, 'STOP');
    expect(await t.sms(JOHN, 'yes it was me')).toEqual(['Answering a transaction check? Nothing has been done. To do it, reply Y if it was you, N if not.']);
    expect(await t.sms(JOHN, 'start my card')).toEqual(['Sorry, we did not understand that. Reply HELP for all commands.']);
    expect(await suppressed(JOHN)).toBe(true);
    await t.sms(JOHN, 'Start!');
    expect(await suppressed(JOHN)).toBe(false);
  });
});
