import { describe, expect, it } from '@jest/globals';
import { columns } from '../../src/db/columns';

describe('columns', () => {
  it('turns rows into one array per column, in row order, nulls kept', () => {
    const col = columns([
      { id: 1, name: 'a', note: null },
      { id: 2, name: 'b', note: 'x' },
    ]);
    expect([col('id'), col('name'), col('note')]).toEqual([
      [1, 2],
      ['a', 'b'],
      [null, 'x'],
    ]);
  });

  it('gives empty columns for no rows', () => {
    expect(columns<{ id: number }>([])('id')).toEqual([]);
  });
});
