import { describe, expect, it } from '@jest/globals';
import { fileLines } from '../../../../src/domain/import/lines';
import { copyLine } from '../../../../src/domain/import/rows';

async function split(chunks: (string | Buffer)[], from?: { line: number; offset: number }) {
  const out = [];
  for await (const l of fileLines(
    chunks.map((c) => (typeof c === 'string' ? Buffer.from(c) : c)),
    from,
  ))
    out.push(l);
  return out;
}

describe('fileLines', () => {
  it.each([
    [
      'one line a chunk',
      ['a\n', 'b\n'],
      [
        ['a', 1, 2],
        ['b', 2, 4],
      ],
    ],
    [
      'lines across chunks',
      ['ab', 'c\nd', 'e\n'],
      [
        ['abc', 1, 4],
        ['de', 2, 7],
      ],
    ],
    [
      'CRLF endings (the offset counts both bytes)',
      ['a\r\nb\r\n'],
      [
        ['a', 1, 3],
        ['b', 2, 6],
      ],
    ],
    [
      'no newline at the end',
      ['a\nb'],
      [
        ['a', 1, 2],
        ['b', 2, 3],
      ],
    ],
    [
      'blank lines keep their numbers',
      ['a\n\n\nb\n'],
      [
        ['a', 1, 2],
        ['', 2, 3],
        ['', 3, 4],
        ['b', 4, 6],
      ],
    ],
    ['a byte-order mark is dropped', ['\ufeffa\n'], [['a', 1, 5]]],
    ['empty input', [], []],
  ])('%s', async (_name, chunks, expected) => {
    expect((await split(chunks)).map((l) => [l.text, l.line, l.end])).toEqual(expected);
  });

  it('keeps a character whose bytes arrive in two chunks', async () => {
    const bytes = Buffer.from('卡\n');
    expect((await split([bytes.subarray(0, 2), bytes.subarray(2)])).map((l) => [l.text, l.end])).toEqual([['卡', 4]]);
  });

  it('continues numbering and offsets from a checkpoint', async () => {
    expect((await split(['c\nd\n'], { line: 10, offset: 40 })).map((l) => [l.text, l.line, l.end])).toEqual([
      ['c', 11, 42],
      ['d', 12, 44],
    ]);
  });
});

describe('copyLine', () => {
  it.each([
    [['a', 1, 2.5, true, false, null], 'a\t1\t2.5\tt\tf\t\\N\n'],
    [['tab\there', 'new\nline', 'cr\rx', 'back\\slash'], 'tab\\there\tnew\\nline\tcr\\rx\tback\\\\slash\n'],
    [['陈美玲', '\\N'], '陈美玲\t\\\\N\n'],
  ])('%j', (row, text) => {
    expect(copyLine(row)).toBe(text);
  });
});
