import { describe, expect, it } from '@jest/globals';
import { parseSince, unknownKey } from '../../../../src/core/inbound/unknowns';

const NOW = new Date('2026-11-28T02:30:00Z');

describe('parseSince', () => {
  it.each([
    ['7d', '2026-11-21T02:30:00.000Z'],
    ['24h', '2026-11-27T02:30:00.000Z'],
    ['2026-11-01', '2026-11-01T00:00:00.000Z'],
    ['2026-11-01T08:00:00+08:00', '2026-11-01T00:00:00.000Z'],
    ['2026-11-01T08:00Z', '2026-11-01T08:00:00.000Z'],
  ])('%j → %s', (value, expected) => {
    expect(parseSince(value, NOW)).toEqual(new Date(expected));
  });

  it.each(['', 'yesterday', '7', '7w', '-1d', '2026-13-01', '2026-11-01T08:00', '2026-02-30T00:00:00Z'])('refuses %j', (value) => {
    expect(parseSince(value, NOW)).toEqual({ problem: expect.stringContaining(`got ${JSON.stringify(value)}`) });
  });
});

describe('unknownKey', () => {
  it.each([
    ['balanse', 'balanse please', 'Balanse?', 'ＢＡＬＡＮＳＥ', 'balanse 7891', 'hi, BALANSE!!'],
    ['查詢匯率', '查询汇率', '查询汇率？', '请问查询汇率'],
    ['my card **** **** **** 1111 looks odd', 'my card ************2222 looks odd'],
  ])('groups %j with its other spellings', (...spellings) => {
    expect(new Set(spellings.map(unknownKey)).size).toBe(1);
  });

  it('keeps apart what reads differently', () => {
    expect(unknownKey('balanse')).not.toBe(unknownKey('balance sheet'));
    expect(unknownKey('1234')).toBe('#');
  });
});
