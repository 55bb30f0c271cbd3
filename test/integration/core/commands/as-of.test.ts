import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { testGateway, type TestGateway } from '../../../helpers/gateway';

// The demo figures were true at the card system at the test clock's start: 2026-11-28 02:30 UTC.
const LI = '+8613800138000'; // zh-CN, Asia/Shanghai: K-1001 ****5675, K-1002 ****5432
const CHAN = '+85291234567'; // zh-HK, Asia/Hong_Kong
const JOHN = '+16465550123'; // en, America/New_York
let t: TestGateway;

beforeAll(async () => {
  t = await testGateway();
});
afterAll(async () => {
  await t.close();
});

describe('the "as of" of every figure', () => {
  it('is the moment the card system said, not the moment of the reply', async () => {
    t.clock.advance(3 * 3600_000);
    expect(await t.sms(LI, '余额5675')).toEqual(['截至2026年11月28日 10:30：\n卡号****5675：当前欠款¥12,345.67，可用额度¥87,654.33。']);
    expect(await t.sms(CHAN, '賬單')).toEqual([
      '截至2026年11月28日 上午10:30：\n卡號****3341，2026年11月10日月結單：結欠HK$4,520.00，最低還款額HK$452.00，到期還款日2026年12月5日。',
    ]);
    expect(await t.sms(JOHN, 'BAL')).toEqual(['As of Nov 27, 2026, 9:30 PM:\nCard ****7891: balance $812.40, available credit $4,187.60.']);
  });

  it('goes with each line when the cards were updated at different moments', async () => {
    await t.tdb.db
      .updateTable('cards')
      .set({ balance: 100, as_of: new Date('2026-11-28T03:15:00Z') })
      .where('external_id', '=', 'K-1002')
      .execute();
    expect(await t.sms(LI, '余额')).toEqual([
      '卡号****5675：当前欠款¥12,345.67，可用额度¥87,654.33。（截至2026年11月28日 10:30）\n卡号****5432：当前欠款¥100.00，可用额度¥99,900.00。（截至2026年11月28日 11:15）',
    ]);
  });

  it("says so, in the customer's language, when a figure is older than STALE_AFTER_HOURS", async () => {
    t.clock.advance(22 * 3600_000); // 25 hours after the figures were true
    expect(await t.sms(JOHN, 'BILL')).toEqual([
      'As of Nov 27, 2026, 9:30 PM:\nCard ****7891 statement of Nov 1, 2026: $812.40, minimum payment $0.00, due Nov 26, 2026.\n' +
        'These figures are more than 24 hours old and may not include recent transactions.',
    ]);
    expect(await t.sms(JOHN, 'BAL')).toEqual([
      'As of Nov 27, 2026, 9:30 PM:\nCard ****7891: balance $812.40, available credit $4,187.60.\n' +
        'These figures are more than 24 hours old and may not include recent transactions.',
    ]);
    expect(await t.sms(LI, '账单')).toEqual([
      '截至2026年11月28日 10:30：\n卡号****5675，2026年11月5日账单：应还¥10,234.50，最低还款¥1,023.45，到期还款日2026年11月30日。\n卡号****5432：暂无账单。\n' +
        '以上数据已超过24小时未更新，可能未包含近期交易。',
    ]);
    expect(await t.sms(CHAN, '餘額')).toEqual([
      '截至2026年11月28日 上午10:30：\n卡號****3341：現時結欠HK$4,520.00，可用額度HK$75,480.00。\n以上資料已超過24小時未更新，可能未包括近期交易。',
    ]);
    expect(await t.sms(CHAN, '積分')).toEqual(['截至2026年11月28日 上午10:30，您的積分為20,300分。\n以上資料已超過24小時未更新，可能未包括近期交易。']);
  });
});
