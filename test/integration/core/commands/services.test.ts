import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { LOCALES } from '../../../../src/core/messaging/templates';
import { testGateway, type TestGateway } from '../../../helpers/gateway';

// Every service's reply in every locale, each checked for a real figure from the demo data.
const LI = '13800138000'; // platinum, CNY card ****5675 (active; statement 10,234.50, minimum 1,023.45), 128,450 points
const APPLICANT = '13600136000'; // no card yet: application APP-9001, posted, tracking SF1234567890

let t: TestGateway;
beforeAll(async () => {
  // One number sends every service three times: past the per-number rate on purpose.
  t = await testGateway({ env: { RATE_LIMIT_PER_MINUTE: '1000', REPLIES_PER_NUMBER_PER_DAY: '1000', DESTINATION_MAX_PER_MINUTE: '1000' } });
});
afterAll(async () => {
  await t.close();
});

const HAN = /\p{Script=Han}/u;

/** Texts, in the order sent, and a figure each reply must carry (the same in every language). */
const SERVICES: [text: string, real: RegExp][] = [
  ['TXN', /Shanghai Grand Hotel.*2,111\.17/],
  ['DUE', /10,234\.50.*1,023\.45/s],
  ['LIMIT', /100,000\.00.*50,000\.00/],
  ['FEE', /3,600\.00.*200,000\.00/],
  ['AUTOPAY', /\*\*\*\*5675/],
  ['TEMP 5000', /105,000\.00/],
  ['TEMP 60000', /C\d{6}/],
  ['INST 6', /368\.44.*1,767\.16/],
  ['REDEEM', /128,450[\s\S]*LOUNGE/],
  ['REDEEM MUG', /126,450/],
  ['ESTMT ON', /\*\*\*\*5675/],
  ['LOCK', /\*\*\*\*5675/],
  ['OVERSEAS OFF', /\*\*\*\*5675/],
  ['ONLINE OFF', /\*\*\*\*5675/],
  ['TRAVEL 1220 0105 JP KR', /JP, KR/],
  ['REPLACE', /\*\*\*\*5675/],
  ['CALLME', /C\d{6}/],
  ['ADDRESS', /C\d{6}/],
  ['COMPLAIN the annual fee was charged twice', /C\d{6}.*24/],
];

describe.each(LOCALES)('in %s', (locale) => {
  beforeAll(async () => {
    await t.tdb.db.updateTable('customers').set({ locale }).where('external_id', '=', 'C-1001').execute();
  });

  it.each(SERVICES)('%s answers with a real figure', async (text, real) => {
    const [reply, ...more] = await t.sms(LI, text);
    expect(more).toEqual([]);
    expect(reply).toMatch(real);
    expect(HAN.test(reply)).toBe(locale !== 'en');
    expect(reply).not.toMatch(/[{}]/);
  });

  it('APPLY answers an applicant from their number with the tracking number', async () => {
    const keyword = { en: 'APPLY', 'zh-CN': '申请', 'zh-HK': '申請' }[locale];
    const [reply] = await t.sms(APPLICANT, `${keyword} 123X`);
    expect(reply).toMatch(/SF1234567890/);
    expect(HAN.test(reply)).toBe(locale !== 'en');
  });
});

describe('no enumeration', () => {
  it('APPLY with the wrong ID digits, or from another number, gets the answer anything unknown gets', async () => {
    const unknown = await t.sms('+8613500135000', 'BAL');
    expect(await t.sms(APPLICANT, 'APPLY 9999')).toEqual(unknown);
    expect(await t.sms('+8613500135000', 'APPLY 123X')).toEqual(unknown);
  });
});
