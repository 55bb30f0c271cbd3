import { describe, expect, it } from '@jest/globals';
import {
  cardKeyId,
  cardKeyring,
  displayCard,
  isCardNumber,
  keyedHash,
  luhnValid,
  maskCardNumbers,
  maskCardNumbersIn,
  sameDigest,
} from '../../../src/domain/pan';
import { MASKING_TABLE } from '../../fixtures/card-forms';

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
  it.each(MASKING_TABLE)('%j → %j', (input, expected) => {
    expect(maskCardNumbers(input)).toBe(expected);
  });

  it('is idempotent on every form above', () => {
    for (const [input] of MASKING_TABLE) {
      const once = maskCardNumbers(input);
      expect(maskCardNumbers(once)).toBe(once);
    }
  });

  it('leaves no Luhn-valid 13–19 digit window with more than 4 digits in clear (random digits and separators)', () => {
    let seed = 7;
    const random = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    let checked = 0;
    const separators = ['', '', '', ' ', '-', '.', '/', '  ', ' - ', '\u3000', '\n'];
    for (let round = 0; round < 2000; round++) {
      let text = '';
      for (let g = 0; g < 2 + random(6); g++) text += String(random(10 ** 4)).padStart(1 + random(4), '0') + separators[random(separators.length)];
      const masked = Array.from(maskCardNumbers(text));
      const chars = Array.from(text);
      const digits = chars.flatMap((c, i) => (/\d/.test(c) ? [i] : []));
      // Only digits joined by separators of up to 3 characters form one run here (the generator makes no longer ones).
      for (let s = 0; s < digits.length; s++) {
        for (let l = 13; l <= 19 && s + l <= digits.length; l++) {
          const window = digits.slice(s, s + l);
          if (!luhnValid(window.map((i) => chars[i]).join(''))) continue;
          checked++;
          expect({ text, visible: window.filter((i) => masked[i] !== '*').length <= 4 }).toEqual({ text, visible: true });
        }
      }
    }
    expect(checked).toBeGreaterThan(1000);
  });

  it('is linear: a long text of digits and separators is masked in one pass', () => {
    const long = '4111 1111 1111 1111 '.repeat(5000);
    const masked = maskCardNumbers(long);
    expect(masked).toHaveLength(long.length);
    expect(masked).not.toMatch(/\d{4} \d{4} \d{4}/);
    const noise = '1.'.repeat(50_000);
    expect(maskCardNumbers(noise)).toHaveLength(noise.length);
  });

  it('masks every string inside a JSON-like value, leaving other values alone', () => {
    const at = new Date();
    expect(
      maskCardNumbersIn({ note: 'card 4111111111111111', n: 4111111111111111, at, list: ['4111 1111 1111 1111'], deep: { x: { y: '4111111111111111' } } }),
    ).toEqual({
      note: 'card ************1111',
      n: 4111111111111111,
      at,
      list: ['**** **** **** 1111'],
      deep: { x: { y: '************1111' } },
    });
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

describe('card-hash keyring', () => {
  it('names each key by a fingerprint that does not reveal it, and keeps previous keys by id', () => {
    const ring = cardKeyring('new-key-'.repeat(5), ['old-key-'.repeat(5)]);
    expect(ring.currentId).toBe(cardKeyId('new-key-'.repeat(5)));
    expect(ring.currentId).toMatch(/^[0-9a-f]{16}$/);
    expect(ring.currentId).not.toBe(cardKeyId('old-key-'.repeat(5)));
    expect(ring.byId.get(cardKeyId('old-key-'.repeat(5)))).toBe('old-key-'.repeat(5));
    expect(ring.byId.get(ring.currentId)).toBe('new-key-'.repeat(5));
    expect(ring.byId.size).toBe(2);
  });
});
