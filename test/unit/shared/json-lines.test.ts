import { describe, expect, it } from '@jest/globals';
import { JsonLineError, parseJsonWithLines } from '../../../src/shared/json-lines';

const DOC = `{
  "name": "Gala",
  "messages": {
    "en": "Hi {name}",
    "zh-CN": "您好 \\"{name}\\""
  },
  "audience": { "tiers": ["gold",
     "diamond"] },
  "rate": 5
}`;

describe('JSON with lines', () => {
  const doc = parseJsonWithLines(DOC);
  const cases: [(string | number)[], number][] = [
    [['name'], 2],
    [['messages'], 3],
    [['messages', 'en'], 4],
    [['messages', 'zh-CN'], 5],
    [['audience', 'tiers', 0], 7],
    [['audience', 'tiers', 1], 8],
    [['rate'], 9],
    [['missing', 'deep'], 1],
    [['messages', 'fr'], 3],
  ];
  it.each(cases)('finds %j on line %d', (path, line) => expect(doc.lineOf(path)).toBe(line));

  it('keeps the value', () => expect(doc.value).toMatchObject({ messages: { 'zh-CN': '您好 "{name}"' }, rate: 5 }));

  it('names the line of a syntax error', () => {
    try {
      parseJsonWithLines('{\n  "a": 1,\n  "b": ,\n}');
      throw new Error('parsed');
    } catch (err) {
      expect(err).toBeInstanceOf(JsonLineError);
      expect((err as JsonLineError).line).toBe(3);
    }
  });
});

describe('syntax errors by line', () => {
  const bad: [string, number, RegExp][] = [
    ['{\n  "a": 1,\n  "b": ,\n}', 3, /unexpected ","/],
    ['{\n  "a": 1\n  "b": 2\n}', 3, /expected ',' or '}'/],
    ['{\n  "a": "open\n}', 2, /end of the string/],
    ['[1, 2', 1, /end of file/],
    ['{"a": tru}', 1, /expected a value/],
    ['{} x', 1, /end of the file/],
  ];
  it.each(bad)('%j at line %d', (text, line, message) => {
    expect(() => parseJsonWithLines(text)).toThrow(message);
    try {
      parseJsonWithLines(text);
    } catch (err) {
      expect((err as JsonLineError).line).toBe(line);
    }
  });
});
