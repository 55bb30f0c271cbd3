import { describe, expect, it } from '@jest/globals';
import { decideTemp, instalmentQuote, type TempRule } from '../../../../src/domain/services/rules';

describe('the TEMP rule table', () => {
  it.each([
    // tier, late payments, limit, amount, decision
    ['platinum', 0, 100_000, 50_000, 'approve'],
    ['platinum', 0, 100_000, 50_001, 'refer'],
    ['platinum', 1, 100_000, 10_000, 'refer'],
    ['platinum', 2, 100_000, 100_000, 'refer'],
    ['platinum', 2, 100_000, 100_001, 'decline'],
    ['platinum', 3, 100_000, 1_000, 'decline'],
    ['gold', 0, 80_000, 24_000, 'approve'],
    ['gold', 0, 80_000, 24_001, 'refer'],
    ['gold', 1, 80_000, 48_000, 'refer'],
    ['gold', 2, 80_000, 1_000, 'decline'],
    ['standard', 0, 5_000, 1_000, 'approve'],
    ['standard', 0, 5_000, 1_001, 'refer'],
    ['standard', 1, 5_000, 2_000, 'refer'],
    ['standard', 1, 5_000, 2_001, 'decline'],
    ['standard', 0, 0, 100, 'decline'],
  ] as const)('%s with %d late payments, limit %d, +%d: %s', (tier, late, limit, amount, decision) => {
    expect(decideTemp(tier, late, limit, amount)).toBe(decision);
  });

  it('takes the first matching row, and the default when none matches', () => {
    const rules: TempRule[] = [{ tier: 'gold', decision: 'approve' }, { decision: 'refer' }];
    expect(decideTemp('gold', 9, 1, 1_000_000, rules)).toBe('approve');
    expect(decideTemp('standard', 0, 1000, 1, rules)).toBe('refer');
    expect(decideTemp('standard', 0, 1000, 1, [])).toBe('decline');
  });
});

describe('instalment quotes', () => {
  it.each([
    [10_234.5, 3, { fee: 184.22, monthly: 3472.91, total: 10_418.72 }],
    [10_234.5, 6, { fee: 368.44, monthly: 1767.16, total: 10_602.94 }],
    [1000, 12, { fee: 72, monthly: 89.34, total: 1072 }],
  ])('%d over %d months', (amount, months, expected) => {
    expect(instalmentQuote(amount, months)).toEqual(expected);
  });

  it('offers no plan below the minimum or for other terms', () => {
    expect(instalmentQuote(499.99, 3)).toBeNull();
    expect(instalmentQuote(1000, 4)).toBeNull();
  });
});
