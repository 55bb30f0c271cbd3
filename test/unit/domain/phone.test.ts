import { describe, expect, it } from '@jest/globals';
import { mobileE164, senderAddress, toE164 } from '../../../src/domain/phone';

describe('toE164 (default region CN)', () => {
  it.each([
    ['13800138000', '+8613800138000'],
    ['+86 138 0013 8000', '+8613800138000'],
    ['008613800138000', '+8613800138000'],
    ['+86-138-0013-8000', '+8613800138000'],
    ['１３８００１３８０００', '+8613800138000'],
    ['+852 9123 4567', '+85291234567'],
    ['+1 646 555 0123', '+16465550123'],
    ['12345', null],
    ['not a number', null],
    ['', null],
  ])('%j → %j', (raw, e164) => {
    expect(toE164(raw, 'CN')).toBe(e164);
  });

  it('reads numbers in another default region', () => {
    expect(toE164('9123 4567', 'HK')).toBe('+85291234567');
  });
});

describe('mobileE164', () => {
  it.each([
    ['13800138000', { e164: '+8613800138000' }],
    ['010-12345678', { problem: 'not a mobile number' }],
    ['999', { problem: 'not a phone number' }],
  ])('%j → %j', (raw, expected) => {
    expect(mobileE164(raw, 'CN')).toEqual(expected);
  });
});

describe('senderAddress', () => {
  it('keeps short codes as sent and marks alphanumeric senders as no phone', () => {
    expect(senderAddress(' 95555 ', 'CN')).toBe('95555');
    expect(senderAddress('BANK', 'CN')).toBe('alnum:BANK');
    expect(senderAddress('13800138000', 'CN')).toBe('+8613800138000');
    expect(senderAddress('+86 138-0013-8000', 'CN')).toBe('+8613800138000');
  });
});

describe('senderAddress never reads a non-numeric or TON 5 sender as a phone', () => {
  it.each([
    ['alnum:8613800138000', 'alnum:8613800138000'], // an SMPP TON 5 address, marked by the transport
    ['alnum:+8613800138000', 'alnum:+8613800138000'],
    ['8613800138000x', 'alnum:8613800138000x'],
    ['+8613800138000#', 'alnum:+8613800138000#'],
    ['tel:+8613800138000', 'alnum:tel:+8613800138000'],
    ['１３８００１３８０００', '+8613800138000'], // full-width digits are still digits
  ])('%j → %j', (raw, expected) => {
    expect(senderAddress(raw, 'CN')).toBe(expected);
  });
});
