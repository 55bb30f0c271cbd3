import { describe, expect, it } from '@jest/globals';
import { cardKeyring } from '../../../../src/domain/pan';
import { checkLine, StageBatch } from '../../../../src/domain/import/batch';
import { customerCheck } from '../../../../src/domain/import/fast-check';
import { customerLine } from '../../../../bench/import/data';

const schema = customerCheck('CN');
const SECRET = 'unit-secret-0123456789abcdef0123456789';
const check = (text: string, line: number) => checkLine(text, line, schema, cardKeyring(SECRET), '2026-11-30T00:00:00.000Z');

describe('checkLine', () => {
  it('turns a customer line into staging rows without the card number', () => {
    const line = customerLine(7, 0);
    const checked = check(line, 3);
    expect('rows' in checked).toBe(true);
    const rows = (checked as { rows: Record<string, unknown[][]> }).rows;
    expect(rows.stage_customers).toEqual([
      [3, 'B-7', 'Bench Customer 7', '+8613900000007', 'zh-HK', 'Asia/Shanghai', 'gold', null, 49, false, false, '2026-11-30T00:00:00.000Z'],
    ]);
    const pan = JSON.parse(line).cards[0].pan as string;
    expect(JSON.stringify(rows)).not.toContain(pan.slice(0, 12));
    expect(rows.stage_cards[0].slice(0, 5)).toEqual([3, 0, 'BK-7', 'B-7', pan.slice(-4)]);
    expect(rows.stage_statements).toHaveLength(1);
  });

  it.each([
    ['not JSON', '{"externalId":', [{ path: '(line)', message: expect.stringMatching(/^not JSON: /) }]],
    ['not an object', '[1]', [{ path: '(line)', message: expect.any(String) }]],
    ['a bad field', customerLine(1, 0).replace('"tier":"gold"', '"tier":"diamond"'), [{ path: 'tier', message: expect.any(String) }]],
    ['a card of its own twice', customerLine(1, 0).replace(/"cards":\[(.*)\]\}$/, (_m, k: string) => `"cards":[${k},${k}]}`), null],
  ])('refuses %s with the line number and field', (_name, text, problems) => {
    const checked = check(text, 9);
    if (problems === null) {
      const batch = new StageBatch();
      expect(batch.add(checked, 9, 100).map((p) => p.path)).toEqual(['cards[1].externalId', 'cards[1].pan', 'statements']);
      return;
    }
    expect(checked).toEqual({ problems: problems.map((p) => ({ line: 9, ...p })) });
  });
});

describe('StageBatch', () => {
  it('refuses the later line that repeats a customer, mobile or card of the batch', () => {
    const batch = new StageBatch();
    expect(batch.add(check(customerLine(1, 0), 1), 1, 10)).toEqual([]);
    expect(batch.add(check(customerLine(1, 1), 2), 2, 20).map((p) => `${p.path}: ${p.message}`)).toEqual([
      'externalId: same customer as line 1',
      'mobile: same mobile as line 1',
      'cards[0].externalId: same card as line 1',
      'cards[0].pan: same card number as line 1',
      'statements: same statement as line 1',
    ]);
    batch.skip(3, 21);
    expect(batch).toMatchObject({ lines: 3, lastLine: 3, end: 21 });
    expect(Buffer.concat(batch.copy.stage_customers.bytes()).toString().split('\n')).toHaveLength(2);
    expect(batch.refused.map((p) => p.line)).toEqual([2, 2, 2, 2, 2]);
  });
});
