import { describe, expect, it } from '@jest/globals';
import { changesSchema } from '../../../../src/domain/changes/changes.schema';
import { formatPath } from '../../../../src/shared/field-path';

const schema = changesSchema('CN');
const asOf = '2026-11-30T10:00:00+08:00';
const errors = (change: unknown) => {
  const r = schema.safeParse({ changes: [change] });
  return r.success ? [] : r.error.issues.map((i) => `${formatPath(i.path)}: ${i.message}`);
};

describe('account changes', () => {
  it.each([
    [{ type: 'card', cardId: 'K-1', asOf, balance: 12.5 }],
    [{ type: 'card', cardId: 'K-1', asOf, version: 3, status: 'frozen' }],
    [{ type: 'points', customerId: 'C-1', asOf, points: 0 }],
    [{ type: 'customer', customerId: 'C-1', asOf, mobile: '+852 9123 4567', locale: 'zh-HK' }],
    [{ type: 'statement', statementId: 'S-1', cardId: 'K-1', asOf, closingDate: '2026-11-05', dueDate: '2026-11-30', balance: 10, minimumDue: 1 }],
  ])('accepts %j', (change) => {
    expect(errors(change)).toEqual([]);
  });

  it.each([
    [{ type: 'card', cardId: 'K-1', balance: 1 }, 'changes[0].asOf: expected an ISO 8601 date-time with offset'],
    [{ type: 'card', cardId: 'K-1', asOf: '2026-11-30T10:00:00', balance: 1 }, 'changes[0].asOf: expected an ISO 8601 date-time with offset'],
    [{ type: 'card', cardId: 'K-1', asOf }, 'changes[0]: expected at least one of balance, availableCredit, creditLimit, status, expiresOn'],
    [{ type: 'card', cardId: 'K-1', asOf, balance: 1.234 }, 'changes[0].balance: at most 2 decimals'],
    [{ type: 'card', cardId: 'K-1', asOf, version: -1, balance: 1 }, 'changes[0].version:'],
    [{ type: 'card', cardId: '', asOf, balance: 1 }, 'changes[0].cardId: required'],
    [{ type: 'card', cardId: 'K-1', asOf, pan: '4111111111111111' }, 'changes[0]: Unrecognized key: "pan"'],
    [{ type: 'customer', customerId: 'C-1', asOf, mobile: '010-12345678' }, 'changes[0].mobile: not a mobile number'],
    [{ type: 'points', customerId: 'C-1', asOf, points: 1.5 }, 'changes[0].points:'],
    [{ type: 'statement', statementId: 'S-1', cardId: 'K-1', asOf, balance: 1, minimumDue: 1 }, 'changes[0].closingDate:'],
    [{ type: 'limit', cardId: 'K-1', asOf }, 'changes[0].type:'],
  ])('refuses %j', (change, expected) => {
    expect(errors(change)).toContainEqual(expect.stringMatching(new RegExp(`^${expected.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`)));
  });

  it('takes 1 to 5,000 changes a request', () => {
    expect(schema.safeParse({ changes: [] }).success).toBe(false);
    const many = Array.from({ length: 5001 }, () => ({ type: 'points', customerId: 'C-1', asOf, points: 1 }));
    expect(schema.safeParse({ changes: many }).error?.issues[0].message).toBe('at most 5000 changes a request');
  });
});
