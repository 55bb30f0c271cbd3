import { describe, expect, it } from '@jest/globals';
import { destinationAddress, receivedAddress, sourceAddress, senderFor } from '../../../src/transport/smpp/address';
import { statusCode, submitErrorKind } from '../../../src/transport/smpp/status';

describe('sourceAddress', () => {
  it.each([
    [{ addr: '95555' }, { addr: '95555', ton: 0, npi: 1 }],
    [{ addr: '+8695555' }, { addr: '8695555', ton: 1, npi: 1 }],
    [{ addr: 'UPLINK BANK' }, { addr: 'UPLINK BANK', ton: 5, npi: 0 }],
    [
      { addr: '95588', ton: 3, npi: 0 },
      { addr: '95588', ton: 3, npi: 0 },
    ],
    [
      { addr: 'BANK', npi: 9 },
      { addr: 'BANK', ton: 5, npi: 9 },
    ],
  ])('%o → %o', (setting, expected) => {
    expect(sourceAddress(setting)).toEqual(expected);
  });
});

describe('senderFor', () => {
  const tiers = { platinum: { addr: '95588' } };
  const fallback = { addr: '95555' };
  it.each([
    ['platinum', '95588'],
    ['gold', '95555'],
    [null, '95555'],
  ])('tier %s sends from %s', (tier, addr) => {
    expect(senderFor(tier, tiers, fallback).addr).toBe(addr);
  });
});

describe('destination and received addresses', () => {
  it.each([
    ['+8613800138000', { addr: '8613800138000', ton: 1, npi: 1 }],
    ['+16465550123', { addr: '16465550123', ton: 1, npi: 1 }],
  ])('destination %s', (e164, expected) => {
    expect(destinationAddress(e164)).toEqual(expected);
  });
  it.each([
    ['8613800138000', 1, '+8613800138000'],
    ['13800138000', 0, '13800138000'],
    ['13800138000', 2, '13800138000'],
    ['ALPHA', 1, 'ALPHA'],
    ['BANK', 5, 'alnum:BANK'],
    ['8613800138000', 5, 'alnum:8613800138000'],
  ])('received %s with TON %d reads %s', (addr, ton, expected) => {
    expect(receivedAddress(addr, ton)).toBe(expected);
  });
});

describe('submitErrorKind', () => {
  it.each([
    [0x58, 'throttled'],
    [0x14, 'throttled'],
    [0x08, 'unavailable'],
    [0x64, 'unavailable'],
    [0x04, 'unavailable'],
    [0x0b, 'invalid_destination'],
    [0x50, 'invalid_destination'],
    [0x0a, 'config'],
    [0x48, 'config'],
    [0x01, 'rejected'],
    [0x45, 'rejected'],
    [0x400, 'rejected'],
  ])('0x%s → %s', (status, kind) => {
    expect(submitErrorKind(status)).toBe(kind);
  });
  it('formats statuses as SMSC logs do', () => {
    expect([statusCode(0x58), statusCode(0), statusCode(0x401)]).toEqual(['0x58', '0x00', '0x00000401']);
  });
});
