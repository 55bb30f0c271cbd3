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
    ['hello there', 'HELP'],
    ['thanks a lot', null],
    ['😀', null],
    ['x'.repeat(2000), null],
  ])('unknown %j suggests %j', (text, suggestion) => {
    expect(parser.parse(text)).toMatchObject({ kind: 'unknown', suggestion });
  });

  it.each(['', '   ', '\u0000', '。'])('empty %j', (text) => {
    expect(parser.parse(text)).toEqual({ kind: 'empty' });
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
