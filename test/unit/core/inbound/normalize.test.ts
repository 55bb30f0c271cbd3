import { describe, expect, it } from '@jest/globals';
import {
  capInboundPart,
  capInboundText,
  guessLocale,
  MAX_INBOUND_CHARS,
  MAX_INBOUND_PARTS,
  normalizeCommandText,
  sanitizeText,
} from '../../../../src/core/inbound/normalize';

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
    ['BAL...!!', 'BAL'],
    ['余额。。。', '余额'],
    ['BAL . .', 'BAL .'],
    ['.,;', ''],
    ['B.A.L', 'B.A.L'],
  ])('%j → %j', (input, expected) => {
    expect(normalizeCommandText(input)).toBe(expected);
  });

  it('normalises only the start of a long text, in one pass however the punctuation runs', () => {
    // Runs of trailing punctuation that end in a letter made the old anchored regex retry from each start.
    expect(normalizeCommandText(`${'.'.repeat(40_000)}x`)).toBe('');
    expect(normalizeCommandText(`BAL${'.'.repeat(40_000)}`)).toBe('BAL');
    expect(normalizeCommandText(`BAL${' .'.repeat(20_000)}`)).toMatch(/^BAL( \.)+$/);
    expect(normalizeCommandText(`ACT 123456 ${'x'.repeat(5000)}`).length).toBeLessThanOrEqual(1000);
  });
});

describe('capInboundText / capInboundPart', () => {
  it('keeps a text up to the cap and cuts a longer one with …, never in half a surrogate pair', () => {
    expect(capInboundText('x'.repeat(MAX_INBOUND_CHARS))).toBe('x'.repeat(MAX_INBOUND_CHARS));
    const cut = capInboundText('x'.repeat(MAX_INBOUND_CHARS + 1));
    expect(cut).toHaveLength(MAX_INBOUND_CHARS);
    expect(cut.endsWith('x…')).toBe(true);
    const emoji = capInboundText(`${'x'.repeat(MAX_INBOUND_CHARS - 2)}😀😀`);
    expect(emoji).toBe(`${'x'.repeat(MAX_INBOUND_CHARS - 2)}…`);
  });

  it('takes the first MAX_INBOUND_PARTS parts of a longer set and drops the rest', () => {
    const part = (seq: number, total: number) => ({ seq, total, text: `p${seq}` });
    expect(capInboundPart(part(3, 4))).toEqual(part(3, 4));
    expect(capInboundPart(part(MAX_INBOUND_PARTS, MAX_INBOUND_PARTS))).toEqual(part(MAX_INBOUND_PARTS, MAX_INBOUND_PARTS));
    expect(capInboundPart(part(1, 255))).toEqual({ seq: 1, total: MAX_INBOUND_PARTS, text: 'p1' });
    expect(capInboundPart(part(MAX_INBOUND_PARTS, 255))).toEqual({ seq: MAX_INBOUND_PARTS, total: MAX_INBOUND_PARTS, text: `p${MAX_INBOUND_PARTS}…` });
    expect(capInboundPart(part(MAX_INBOUND_PARTS + 1, 255))).toBeNull();
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
