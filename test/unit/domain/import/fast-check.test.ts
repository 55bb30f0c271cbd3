import { describe, expect, it } from '@jest/globals';
import { util } from 'zod/v4/core';
import { cents, customerCheck, quickCustomer } from '../../../../src/domain/import/fast-check';
import { customerSchema } from '../../../../src/domain/import/import.schema';
import { customerLine } from '../../../../bench/import/data';

const schema = customerSchema('CN');
const base = () => JSON.parse(customerLine(7, 0)) as Record<string, unknown> & { cards: Record<string, unknown>[] };
const card = (c: ReturnType<typeof base>) => c.cards[0] as Record<string, unknown> & { statements: Record<string, unknown>[] };

/** Variations of one line: a field set to a value (undefined removes it), on the customer, its card, statement or a transaction. */
const VALUES: unknown[] = [
  undefined,
  null,
  '',
  ' x',
  'x ',
  'x',
  'B-1',
  0,
  -1,
  1.5,
  0.1 + 0.2,
  12.345,
  1e15,
  2 ** 31,
  true,
  'zh-HK',
  'gold',
  'frozen',
  'Europe/Paris',
  'Mars/Base',
  '2026-02-29',
  '2028-02-29',
  '2026-13-01',
  '2026-11-30T08:00:00+08:00',
  '2026-11-30T08:00:00',
  '+8613900000007',
  '13900000007',
  '008613900000007',
  '+8601012345678',
  '4111 1111 1111 1111',
  '4111-1111-1111-1112',
  'CNY',
  'cny',
  'x'.repeat(64),
  'x'.repeat(65),
  '😀'.repeat(40),
  [],
  {},
];
const CUSTOMER = [
  'externalId',
  'name',
  'mobile',
  'locale',
  'timeZone',
  'tier',
  'birthday',
  'points',
  'marketingConsent',
  'greetingsOptOut',
  'asOf',
  'cards',
  'extra',
];
const CARD = [
  'externalId',
  'pan',
  'product',
  'currency',
  'creditLimit',
  'balance',
  'availableCredit',
  'status',
  'expiresOn',
  'asOf',
  'statements',
  'transactions',
  'extra',
];
const STATEMENT = ['externalId', 'closingDate', 'dueDate', 'balance', 'minimumDue', 'paidAmount', 'extra'];
const TRANSACTION = ['externalId', 'amount', 'currency', 'merchant', 'occurredAt', 'extra'];

function variations(): unknown[] {
  const out: unknown[] = [base(), null, [], 'x'];
  const set = (o: Record<string, unknown>, k: string, v: unknown) => (v === undefined ? delete o[k] : (o[k] = v));
  for (const v of VALUES) {
    for (const k of CUSTOMER) set(out[out.push(base()) - 1] as Record<string, unknown>, k, v);
    for (const k of CARD) {
      const c = base();
      set(card(c), k, v);
      out.push(c);
    }
    for (const k of STATEMENT) {
      const c = base();
      set(card(c).statements[0], k, v);
      out.push(c);
    }
    for (const k of TRANSACTION) {
      const c = base();
      const t: Record<string, unknown> = { externalId: 'T-1', amount: -12.5, merchant: 'Shop', occurredAt: '2026-11-30T08:00:00Z' };
      set(t, k, v);
      card(c).transactions = [t];
      out.push(c);
    }
  }
  return out;
}

describe('quickCustomer', () => {
  it('accepts a plain line, as the schema reads it', () => {
    const raw = base();
    expect(quickCustomer(raw, 'CN')).toEqual(schema.parse(raw));
  });

  it('accepts only what the schema accepts, and builds the same customer', () => {
    let quick = 0;
    for (const raw of variations()) {
      const zod = schema.safeParse(structuredClone(raw));
      const fast = quickCustomer(structuredClone(raw), 'CN');
      if (fast) {
        quick++;
        expect(zod.success).toBe(true);
        expect(fast).toEqual(zod.data);
      }
      expect(customerCheck('CN')(structuredClone(raw))).toEqual(zod);
    }
    expect(quick).toBeGreaterThan(100);
  });

  it('counts cents as zod does', () => {
    const values = [0, 0.01, 0.1 + 0.2, 1.005, 12.345, 99.99, 2.03, -7.07, 1e12 + 0.01, 999_999_999_999.99, 123456789.123, 5e-324, 0.015];
    for (let i = 0; i < 20_000; i++) values.push(Math.round(Math.random() * 1e9) / 100, Math.random() * 1e6);
    for (const v of values) expect([v, cents(v)]).toEqual([v, util.floatSafeRemainder(v, 0.01) === 0]);
  });
});
