import { describe, expect, it } from '@jest/globals';
import { commands } from '../../../../src/core/commands/index';
import { KeywordParser } from '../../../../src/core/inbound/parser';

const parser = new KeywordParser(commands.filter((c) => c.audience === 'customer'));

describe('KeywordParser', () => {
  it.each([
    ['BAL', 'balance', [], 'en'],
    ['bal 1234', 'balance', ['1234'], 'en'],
    ['ＢＡＬ　１２３４', 'balance', ['1234'], 'en'],
    ['BAL1234', 'balance', ['1234'], 'en'],
    ['余额', 'balance', [], 'zh-CN'],
    ['餘額', 'balance', [], 'zh-HK'],
    ['余额1234', 'balance', ['1234'], 'zh-CN'],
    ['账单', 'bill', [], 'zh-CN'],
    ['賬單 5678', 'bill', ['5678'], 'zh-HK'],
    ['开卡123456', 'activate', ['123456'], 'zh-CN'],
    ['開卡 123456', 'activate', ['123456'], 'zh-HK'],
    ['act 123456', 'activate', ['123456'], 'en'],
    ['积分', 'points', [], 'zh-CN'],
    ['積分', 'points', [], 'zh-HK'],
    ['lost', 'lost', [], 'en'],
    ['挂失', 'lost', [], 'zh-CN'],
    ['掛失1234', 'lost', ['1234'], 'zh-HK'],
    ['LANG EN', 'lang', ['EN'], 'en'],
    ['语言 HK', 'lang', ['HK'], 'zh-CN'],
    ['help', 'help', [], 'en'],
    ['?', 'help', [], 'en'],
    ['帮助', 'help', [], 'zh-CN'],
    ['幫助', 'help', [], 'zh-HK'],
    ['INFO', 'help', [], 'en'],
    ['STOP', 'stop', [], 'en'],
    ['td', 'stop', [], 'en'],
    ['T', 'stop', [], 'en'],
    ['退订', 'stop', [], 'zh-CN'],
    ['退訂', 'stop', [], 'zh-HK'],
    ['CANCEL', 'stop', [], 'en'],
    ['unsubscribe', 'stop', [], 'en'],
    ['END', 'stop', [], 'en'],
    ['QUIT', 'stop', [], 'en'],
    ['STOPALL', 'stop', [], 'en'],
    ['START', 'start', [], 'en'],
    ['YES', 'start', [], 'en'],
    ['UNSTOP', 'start', [], 'en'],
    ['订阅', 'start', [], 'zh-CN'],
    ['訂閱', 'start', [], 'zh-HK'],
  ])('%j → %s %j', (text, name, args, locale) => {
    expect(parser.parse(text)).toMatchObject({ kind: 'command', name, args, locale });
  });

  it.each([
    ['BALL', 'BAL'],
    ['BILLL', 'BILL'],
    ['PST', null],
    ['ACTT', 'ACT'],
    ['BALL?', 'BAL'],
    ['hello there', null],
    ['thanks a lot', null],
    ['x'.repeat(2000), null],
    ['I was charged twice on my bill and want a refund now', null], // a paragraph, not a query
    ["don't show my balance", null], // a negated query is not answered
  ])('unknown %j suggests %j', (text, suggestion) => {
    expect(parser.parse(text)).toMatchObject({ kind: 'unknown', suggestion });
  });

  it.each(['', '   ', '\u0000', '。', '😀', '!!!'])('empty %j', (text) => {
    expect(parser.parse(text)).toEqual({ kind: 'empty' });
  });

  it.each([
    // punctuation and politeness do not matter
    ['余额？', 'balance', [], 'zh-CN', false],
    ['bal?', 'balance', [], 'en', false],
    ['balance please', 'balance', [], 'en', false],
    ['余额，谢谢', 'balance', [], 'zh-CN', false],
    ['唔該，餘額', 'balance', [], 'zh-HK', false],
    ['BAL~ 5675!', 'balance', ['5675'], 'en', false],
    ['hi BAL', 'balance', [], 'en', false],
    ['LOST please', 'lost', [], 'en', false],
    ['请挂失', 'lost', [], 'zh-CN', false],
    ['唔該掛失', 'lost', [], 'zh-HK', false],
    ['Y.', 'yes', [], 'en', false],
    // pinyin initials, full-width too; TD stays the opt-out
    ['YE', 'balance', [], 'zh-CN', false],
    ['cxye', 'balance', [], 'zh-CN', false],
    ['ＺＤ', 'bill', [], 'zh-CN', false],
    ['JF', 'points', [], 'zh-CN', false],
    ['TD', 'stop', [], 'en', false],
    ['TD退订', 'stop', [], 'zh-CN', false],
    ['OPT-OUT', 'stop', [], 'en', false],
    ['STOP?', 'stop', [], 'en', false], // an opt-out is honoured whatever the punctuation
    ['cancel.', 'stop', [], 'en', false], // a carrier word alone
    // one read-only intent with the words people put around it
    ['查余额', 'balance', [], 'zh-CN', true],
    ['查询余额', 'balance', [], 'zh-CN', true],
    ['余额查询', 'balance', [], 'zh-CN', true],
    ['我想查一下余额', 'balance', [], 'zh-CN', true],
    ['查詢餘額', 'balance', [], 'zh-HK', true],
    ['餘額查詢', 'balance', [], 'zh-HK', true],
    ['我張卡仲有幾多錢', 'balance', [], 'zh-HK', true],
    ["what's my balance?", 'balance', [], 'en', true],
    ['what is my balance on card ending 5675', 'balance', ['5675'], 'en', true],
    ['查询尾号5675的余额', 'balance', ['5675'], 'zh-CN', true],
    ['help me check my balance', 'balance', [], 'en', true], // help gives way to the other intent
    ['my bill', 'bill', [], 'en', true],
    ['statement', 'bill', [], 'en', true],
    ['查詢月結單', 'bill', [], 'zh-HK', true],
    ['查积分', 'points', [], 'zh-CN', true],
    ['积分余额', 'points', [], 'zh-CN', true], // the longest phrase wins: not balance
    ['points for my card', 'points', [], 'en', true],
    ['菜单', 'help', [], 'zh-CN', true],
    ['點用', 'help', [], 'zh-HK', true],
    ['commands?', 'help', [], 'en', true],
    ['how do I use this', 'help', [], 'en', true],
    ['hello', 'help', [], 'en', true],
    ['唔該', 'help', [], 'zh-HK', true],
  ])('%j → %s %j (%s, loose: %s)', (text, name, args, locale, loose) => {
    expect(parser.parse(text)).toMatchObject({ kind: 'command', name, args, locale, loose });
  });

  it.each([
    ['is my card lost', 'lost'],
    ['lost and found at your branch?', 'lost'],
    ['LOST?', 'lost'],
    ['I lost my card', 'lost'],
    ["don't freeze my card", 'lost'],
    ['不要挂失', 'lost'],
    ['挂失吗', 'lost'],
    ['我要挂失', 'lost'],
    ['是不是要挂失', 'lost'],
    ['唔好掛失', 'lost'],
    ['cancel my card', 'close'],
    ['销卡？', 'close'],
    ['ACT?', 'activate'],
    ['怎么开卡', 'activate'],
    ['yes it was me', 'yes'],
    ['是的', 'yes'],
    ['是吗', 'yes'],
    ['no', 'no'],
    ['not me', 'no'],
    ['唔係我', 'no'],
    ['START?', 'start'],
    ['I want to unsubscribe', 'stop'],
    ['不要退订', 'stop'],
    ['can you reply in english', 'lang'],
  ])('%j is asked about (%s), never done', (text, name) => {
    expect(parser.parse(text)).toMatchObject({ kind: 'unsure', name });
  });

  it.each([
    ['balance and bill', ['balance', 'bill']],
    ['points and balance', ['points', 'balance']],
    ['余额和积分', ['balance', 'points']],
    ['餘額同積分', ['balance', 'points']],
  ])('%j asks which of %j', (text, names) => {
    expect(parser.parse(text)).toMatchObject({ kind: 'ambiguous', names });
  });

  it.each([
    ['lost my card', 'lost', ['MY', 'CARD']], // an action keyword with words it cannot take: its usage
    ['ACT 12345', 'activate', ['12345']],
    ['BAL 12', 'balance', ['12']],
    ['LANG FR', 'lang', ['FR']],
  ])('%j stays the keyword of %s with %j (the usage answers)', (text, name, args) => {
    expect(parser.parse(text)).toMatchObject({ kind: 'command', name, args, loose: false });
  });

  it.each(['start my card', 'T-shirt', 'the end', 'quit smoking', 'yes i want balance'])('%j does not change consent', (text) => {
    expect(parser.parse(text)).not.toMatchObject({ kind: 'command', name: expect.stringMatching(/^(stop|start)$/) });
  });

  it('reads staff texts exactly, never loosely', () => {
    const staff = new KeywordParser(
      commands.filter((c) => c.audience === 'staff'),
      { understand: false },
    );
    expect(staff.parse('OK 123456')).toMatchObject({ kind: 'command', name: 'agent.ok', args: ['123456'] });
    expect(staff.parse('OK thanks')).toMatchObject({ kind: 'command', name: 'agent.ok', args: ['THANKS'] });
    expect(staff.parse('please list')).toMatchObject({ kind: 'unknown' });
  });

  it('refuses a phrase given two meanings', () => {
    const spec = (name: string, phrasings: string[]) => ({ name, readOnly: true, aliases: { en: [], 'zh-CN': [], 'zh-HK': [] }, phrasings: { en: phrasings } });
    expect(() => new KeywordParser([spec('a', ['MY STUFF']), spec('b', ['my stuff'])])).toThrow(/MY STUFF is both a phrasing of a and a phrasing of b/);
    expect(() => new KeywordParser([spec('a', ['PLEASE'])])).toThrow(/PLEASE is both a polite word and a phrasing of a/);
    // The same phrase in both Chinese scripts is one phrase.
    expect(() => new KeywordParser([{ ...spec('a', []), phrasings: { 'zh-CN': ['账户资料'], 'zh-HK': ['賬戶資料'] } }])).not.toThrow();
  });

  it('refuses a keyword claimed by two commands', () => {
    expect(
      () =>
        new KeywordParser([
          { name: 'a', aliases: { en: ['X'], 'zh-CN': [], 'zh-HK': [] } },
          { name: 'b', aliases: { en: ['x'], 'zh-CN': [], 'zh-HK': [] } },
        ]),
    ).toThrow(/claimed by a and b/);
  });
});
