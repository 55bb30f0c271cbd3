import { describe, expect, it } from '@jest/globals';
import { conventionsMatching, ReceiptConventions } from '../../../../src/core/outbox/receipt-conventions';
import type { IdConvention } from '../../../../src/shared/id-readings';

describe('receipt id conventions learned per channel', () => {
  it.each<[string, IdConvention[], IdConvention | undefined]>([
    ['no evidence', [], undefined],
    ['two matches: too few', ['hex-decimal', 'hex-decimal'], undefined],
    ['three alike', ['hex-decimal', 'hex-decimal', 'hex-decimal'], 'hex-decimal'],
    ['mixed evidence', ['same', 'same', 'same', 'hex-decimal'], undefined],
    ['nine in ten', [...Array<IdConvention>(9).fill('same'), 'decimal-hex'], 'same'],
  ])('%s', (_, seen, expected) => {
    const c = new ReceiptConventions();
    for (const s of seen) c.observe('smpp', s);
    expect(c.learned('smpp')).toBe(expected);
    expect(c.learned('twilio')).toBeUndefined();
  });

  it.each<[string, string[], IdConvention[]]>([
    ['2587', ['a1b'], ['hex-decimal']],
    ['a1b', ['2587'], ['decimal-hex']],
    ['4660', ['4660', '1234'], ['same', 'hex-decimal']],
    ['12', ['99'], []],
  ])('%s matching %j reads as %j', (literal, matched, expected) => {
    expect(conventionsMatching(literal, matched)).toEqual(expected);
  });
});
