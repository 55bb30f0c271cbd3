import { describe, expect, it } from '@jest/globals';
import { guessLocale, normalizeCommandText, sanitizeText } from '../../../../src/core/inbound/normalize';

describe('normalizeCommandText', () => {
  it.each([
    ['BAL', 'BAL'],
    ['  bal  ', 'BAL'],
    ['ＢＡＬ', 'BAL'],
    ['ａｃｔ　１２３４５６', 'ACT 123456'],
    ['Act   123456', 'ACT 123456'],
    ['余额。', '余额'],
    ['bal.', 'BAL'],
    ['＃', '#'],
    ['？', '?'],
    ['\tLANG\n en ', 'LANG EN'],
    ['', ''],
    ['B\u0000AL', 'BAL'],
    ['\uFEFF\u200FB\u200BAL', 'BAL'],
  ])('%j → %j', (input, expected) => {
    expect(normalizeCommandText(input)).toBe(expected);
  });
});

describe('sanitizeText', () => {
  it.each([
    ['plain', 'plain'],
    ['nul\u0000byte', 'nulbyte'],
    ['bell\u0007', 'bell'],
    ['line\nbreak', 'line\nbreak'],
    ['lone \uD83D surrogate', 'lone \uFFFD surrogate'],
    ['lone low \uDC00', 'lone low \uFFFD'],
    ['emoji 😀 kept', 'emoji 😀 kept'],
  ])('%j → %j', (input, expected) => {
    expect(sanitizeText(input)).toBe(expected);
  });
});

describe('guessLocale', () => {
  it.each([
    ['hello', 'en'],
    ['你好', 'zh-CN'],
    ['请问余额', 'zh-CN'],
    ['請問餘額', 'zh-HK'],
    ['😀', 'en'],
  ])('%j → %s', (input, expected) => {
    expect(guessLocale(input)).toBe(expected);
  });
});
