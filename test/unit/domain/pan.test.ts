import { describe, expect, it } from '@jest/globals';
import { displayCard, isCardNumber, keyedHash, luhnValid, maskCardNumbers, sameDigest } from '../../../src/domain/pan';

describe('luhnValid / isCardNumber', () => {
  it.each([
    ['4111111111111111', true, true],
    ['4111111111111112', false, false],
    ['6225880012345675', true, true],
    ['378282246310005', true, true],
    ['79927398713', true, false], // Luhn-valid but only 11 digits
    ['0000000000000', true, true],
    ['12a4', false, false],
    ['', false, false],
  ])('%s → luhn %s, card %s', (digits, luhn, card) => {
    expect(luhnValid(digits)).toBe(luhn);
    expect(isCardNumber(digits)).toBe(card);
  });
});

describe('maskCardNumbers', () => {
  it.each([
    ['my card 4111111111111111 lost', 'my card ************1111 lost'],
    ['4111 1111 1111 1111', '**** **** **** 1111'],
    ['4111-1111-1111-1111', '****-****-****-1111'],
    ['４１１１１１１１１１１１１１１１', '************１１１１'],
    ['ACT 123456', 'ACT 123456'],
    ['call 13800138000', 'call 13800138000'],
    ['4111111111111112 is not Luhn', '4111111111111112 is not Luhn'],
    ['two 4111111111111111 and 6225880012345675', 'two ************1111 and ************5675'],
    ['挂失6225880012345675', '挂失************5675'],
    ['', ''],
  ])('%j → %j', (input, expected) => {
    expect(maskCardNumbers(input)).toBe(expected);
  });
});

describe('keyed hashes', () => {
  it('differ by key, purpose and value and compare equal only to themselves', () => {
    const a = keyedHash('k1', 'pan', '4111111111111111');
    expect(a).toMatch(/^[0-9a-f]{64}$/);
    expect(keyedHash('k2', 'pan', '4111111111111111')).not.toBe(a);
    expect(keyedHash('k1', 'activation', '4111111111111111')).not.toBe(a);
    expect(sameDigest(a, keyedHash('k1', 'pan', '4111111111111111'))).toBe(true);
    expect(sameDigest(a, keyedHash('k1', 'pan', '4111111111111112'))).toBe(false);
    expect(sameDigest(a, '')).toBe(false);
    expect(sameDigest(a, a.slice(0, 10))).toBe(false);
  });

  it('shows a card as ****1234', () => {
    expect(displayCard('1234')).toBe('****1234');
  });
});
