import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { testGateway, type TestGateway } from '../../../helpers/gateway';

const LI = '13800138000'; // platinum, zh-CN, cards ****5675 (active) and ****5432 (inactive, code 765432)
const CHAN = '+85291234567'; // gold, zh-HK, one HKD card ****3341
const JOHN = '+16465550123'; // standard, en, one USD card ****7891
const WANG = '13900139000'; // standard, zh-CN, two active cards ****1114 and ****2227
const STRANGER = '+8613500135000';

let t: TestGateway;
beforeEach(async () => {
  t = await testGateway();
});
afterEach(async () => {
  await t.close();
});

const card = (last4: string) => t.tdb.db.selectFrom('cards').selectAll().where('last4', '=', last4).executeTakeFirstOrThrow();

describe('BAL', () => {
  it('answers each card in the customer language and currency', async () => {
    expect(await t.sms(LI, 'BAL')).toEqual([
      '截至2026年11月28日 10:30：\n卡号****5675：当前欠款¥12,345.67，可用额度¥87,654.33。\n卡号****5432：当前欠款¥0.00，可用额度¥100,000.00。',
    ]);
    expect(await t.sms(CHAN, '餘額')).toEqual(['截至2026年11月28日 上午10:30：\n卡號****3341：現時結欠HK$4,520.00，可用額度HK$75,480.00。']);
    expect(await t.sms(JOHN, 'bal')).toEqual(['As of Nov 27, 2026, 9:30 PM:\nCard ****7891: balance $812.40, available credit $4,187.60.']);
  });

  it('picks one card by its last 4 digits, full-width too', async () => {
    expect(await t.sms(LI, 'ＢＡＬ　５６７５')).toEqual(['截至2026年11月28日 10:30：\n卡号****5675：当前欠款¥12,345.67，可用额度¥87,654.33。']);
  });

  it('answers a malformed card selector with usage', async () => {
    expect(await t.sms(JOHN, 'BAL 12')).toEqual(['Reply BAL alone, or BAL with the last 4 digits of your card, e.g. BAL 1234.']);
  });
});

describe('no enumeration', () => {
  it('gives an unknown number, an unknown card and a wrong activation code the same answer', async () => {
    const unknownNumber = await t.sms(STRANGER, 'BAL');
    const unknownCard = await t.sms(JOHN, 'BAL 0000');
    const wrongCode = await t.sms(JOHN, 'ACT 000000');
    const unknownNumberAct = await t.sms(STRANGER, 'ACT 765432');
    expect(unknownNumber).toEqual(['Sorry, we could not complete your request. Please check the details and try again, or call 400-820-8888.']);
    expect(unknownCard).toEqual(unknownNumber);
    expect(wrongCode).toEqual(unknownNumber);
    expect(unknownNumberAct).toEqual(unknownNumber);
  });

  it('answers an unknown sender in the language of its text', async () => {
    expect(await t.sms(STRANGER, '余额')).toEqual(['抱歉，未能办理您的请求。请核对信息后重试，或致电400-820-8888。']);
    expect(await t.sms(STRANGER, '餘額')).toEqual(['抱歉，未能辦理您的要求。請核對資料後再試，或致電400-820-8888。']);
  });
});

describe('BILL', () => {
  it('gives the latest statement with the unpaid minimum', async () => {
    expect(await t.sms(JOHN, 'BILL')).toEqual([
      'As of Nov 27, 2026, 9:30 PM:\nCard ****7891 statement of Nov 1, 2026: $812.40, minimum payment $0.00, due Nov 26, 2026.',
    ]);
    expect(await t.sms(LI, '账单5675')).toEqual([
      '截至2026年11月28日 10:30：\n卡号****5675，2026年11月5日账单：应还¥10,234.50，最低还款¥1,023.45，到期还款日2026年11月30日。',
    ]);
  });

  it('says when a card has no statement yet', async () => {
    expect(await t.sms(LI, '账单 5432')).toEqual(['卡号****5432：暂无账单。']);
  });
});

describe('ACT', () => {
  it('activates with the last 6 digits, then says it is already active', async () => {
    expect(await t.sms(LI, '开卡765432')).toEqual(['卡号****5432已成功激活，感谢您的使用。']);
    expect((await card('5432')).status).toBe('active');
    expect(await t.sms(LI, 'ACT 765432')).toEqual(['卡号****5432已经激活。']);
    const audit = await t.tdb.db.selectFrom('audit_log').selectAll().where('action', '=', 'card.activated').execute();
    expect(audit).toHaveLength(1);
  });

  it('locks after 5 wrong codes in 24 hours, even for the right code, and points to the hotline', async () => {
    for (let i = 0; i < 4; i++) expect(await t.sms(LI, `ACT 00000${i}`)).toEqual(['抱歉，未能办理您的请求。请核对信息后重试，或致电400-820-8000。']);
    expect(await t.sms(LI, 'ACT 000009')).toEqual(['由于尝试次数过多，开卡功能已锁定，请致电400-820-8000。']);
    expect(await t.sms(LI, 'ACT 765432')).toEqual(['由于尝试次数过多，开卡功能已锁定，请致电400-820-8000。']);
    expect((await card('5432')).status).toBe('inactive');
    t.clock.advance(24 * 3600_000 + 1000);
    expect(await t.sms(LI, 'ACT 765432')).toEqual(['卡号****5432已成功激活，感谢您的使用。']);
  });

  it('locks an unknown number the same way', async () => {
    for (let i = 0; i < 4; i++) await t.sms(STRANGER, `ACT 10000${i}`);
    expect(await t.sms(STRANGER, 'ACT 100009')).toEqual(['Activation is locked after too many attempts. Please call 400-820-8888.']);
  });

  it('answers a missing or malformed code with usage', async () => {
    const usage = ['To activate a card, reply ACT followed by the last 6 digits of the card number, e.g. ACT 123456.'];
    expect(await t.sms(JOHN, 'ACT')).toEqual(usage);
    expect(await t.sms(JOHN, 'ACT 12345')).toEqual(usage);
    expect(await t.sms(JOHN, 'ACT abcdef')).toEqual(usage);
    expect(await t.tdb.db.selectFrom('activation_attempts').selectAll().execute()).toHaveLength(0);
  });
});

describe('PTS', () => {
  it('gives the points balance', async () => {
    expect(await t.sms(LI, '积分')).toEqual(['截至2026年11月28日 10:30，您的积分为128,450分。']);
    expect(await t.sms(JOHN, 'PTS')).toEqual(['You have 3,150 reward points (as of Nov 27, 2026, 9:30 PM).']);
  });
});

describe('LOST', () => {
  it('freezes the only live card at once, as a security message', async () => {
    expect(await t.sms(JOHN, 'LOST')).toEqual(['Card ****7891 is now frozen; no new transactions will be approved. Call 400-820-8888 for a replacement card.']);
    expect((await card('7891')).status).toBe('frozen');
    const reply = await t.tdb.db.selectFrom('outbound_messages').select(['class', 'priority']).where('to_number', '=', JOHN).executeTakeFirstOrThrow();
    expect(reply.class).toBe('security');
    expect(await t.sms(JOHN, 'LOST 7891')).toEqual(['Card ****7891 is already frozen. Call 400-820-8888 for help.']);
  });

  it('asks which card when there are several, then freezes the one named', async () => {
    expect(await t.sms(WANG, '挂失')).toEqual(['请问哪张卡丢失？请回复“挂失”加卡号末4位：****1114, ****2227。']);
    expect((await card('1114')).status).toBe('active');
    expect(await t.sms(WANG, '挂失 2227')).toEqual(['卡号****2227已冻结，新交易将不再授权。补办新卡请致电400-820-8888。']);
    expect((await card('2227')).status).toBe('frozen');
    expect((await card('1114')).status).toBe('active');
  });
});

describe('LANG', () => {
  it('switches the language for this and later replies', async () => {
    expect(await t.sms(LI, 'LANG EN')).toEqual(['We will write to you in English from now on.']);
    expect(await t.sms(LI, 'PTS')).toEqual(['You have 128,450 reward points (as of Nov 28, 2026, 10:30 AM).']);
    expect(await t.sms(LI, '語言 HK')).toEqual(['今後我們將以繁體中文與您聯絡。']);
    const c = await t.tdb.db.selectFrom('customers').select('locale').where('external_id', '=', 'C-1001').executeTakeFirstOrThrow();
    expect(c.locale).toBe('zh-HK');
  });

  it('answers an unknown language with usage in the current one', async () => {
    expect(await t.sms(JOHN, 'LANG FR')).toEqual(['Reply LANG EN for English, LANG ZH for 简体中文 or LANG HK for 繁體中文.']);
  });
});

describe('STOP / START', () => {
  it('records the opt-out and opt-in for the number and the customer', async () => {
    const consent = () => t.tdb.db.selectFrom('customers').select('marketing_consent').where('external_id', '=', 'C-1002').executeTakeFirstOrThrow();
    expect(await t.sms(CHAN, '退訂')).toEqual(['您已取消接收推廣短訊，賬戶及用卡相關通知不受影響。回覆「訂閱」可恢復。']);
    expect((await consent()).marketing_consent).toBe(false);
    expect(await t.tdb.db.selectFrom('suppressions').selectAll().execute()).toHaveLength(1);
    expect(await t.sms(CHAN, '訂閱')).toEqual(['您已恢復接收優惠資訊。回覆TD退訂。']);
    expect((await consent()).marketing_consent).toBe(true);
    expect(await t.tdb.db.selectFrom('suppressions').selectAll().execute()).toHaveLength(0);
  });

  it.each(['STOP', 'TD', 'T', 'cancel', 'END', 'QUIT', 'UNSUBSCRIBE', 'STOPALL'])('%s opts out, never runs a business command', async (word) => {
    expect(await t.sms(STRANGER, word)).toEqual([
      'You will no longer receive marketing messages. Messages about your card and account continue. Reply START to resume.',
    ]);
    expect(await t.tdb.db.selectFrom('suppressions').select('mobile').execute()).toEqual([{ mobile: STRANGER }]);
  });
});

describe('HELP and unknown texts', () => {
  it('names the platinum line to platinum customers only', async () => {
    expect((await t.sms(LI, '帮助'))[0]).toContain('白金专线：400-820-8000');
    expect((await t.sms(JOHN, 'HELP'))[0]).toContain('Help: 400-820-8888');
    expect((await t.sms(JOHN, 'INFO'))[0]).toContain('Help: 400-820-8888');
  });

  it('suggests the nearest command', async () => {
    expect(await t.sms(JOHN, 'BALL')).toEqual(['Sorry, we did not understand that. Did you mean BAL? Reply HELP for all commands.']);
    expect(await t.sms(JOHN, 'what is this')).toEqual(['Sorry, we did not understand that. Reply HELP for all commands.']);
  });

  it('records every command in the audit trail', async () => {
    await t.sms(JOHN, 'BAL');
    await t.sms(STRANGER, 'hello'); // a greeting alone gets the menu
    await t.sms(STRANGER, 'what is this thing');
    const rows = await t.tdb.db.selectFrom('audit_log').select(['actor_type', 'actor_id', 'action', 'channel']).orderBy('id').execute();
    expect(rows).toEqual([
      { actor_type: 'customer', actor_id: expect.any(String), action: 'command.balance', channel: 'dev' },
      { actor_type: 'unknown', actor_id: STRANGER, action: 'command.help', channel: 'dev' },
      { actor_type: 'unknown', actor_id: STRANGER, action: 'command.unknown', channel: 'dev' },
    ]);
  });
});
