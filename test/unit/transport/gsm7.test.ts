import { describe, expect, it } from '@jest/globals';
import { decodeGsm7, encodeGsm7, encodingOf, fitSegments, measure, septetLength, splitSegments } from '../../../src/transport/codec/gsm7';

describe('encodingOf / measure', () => {
  it.each([
    ['', 'GSM-7', 1],
    ['BAL', 'GSM-7', 1],
    ['a'.repeat(160), 'GSM-7', 1],
    ['a'.repeat(161), 'GSM-7', 2],
    ['a'.repeat(306), 'GSM-7', 2],
    ['a'.repeat(307), 'GSM-7', 3],
    ['€'.repeat(80), 'GSM-7', 1], // extension characters count two septets
    ['€'.repeat(81), 'GSM-7', 2],
    ['@£$¥èéùìòÇØøÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ¤¡ÄÖÑÜ§¿äöñüà', 'GSM-7', 1],
    ['{}[]~|^\\', 'GSM-7', 1],
    ['余额', 'UCS-2', 1],
    ['中'.repeat(70), 'UCS-2', 1],
    ['中'.repeat(71), 'UCS-2', 2],
    ['中'.repeat(134), 'UCS-2', 2],
    ['中'.repeat(135), 'UCS-2', 3],
    ['ç', 'UCS-2', 1], // lower-case ç is not in GSM 03.38 (only Ç)
    ['😀'.repeat(35), 'UCS-2', 1], // 70 UTF-16 code units
    ['😀'.repeat(36), 'UCS-2', 2],
  ])('%j → %s, %d segment(s)', (text, encoding, segments) => {
    expect(encodingOf(text)).toBe(encoding);
    expect(measure(text)).toEqual({ encoding, segments });
  });

  it('counts septets with the extension table', () => {
    expect(septetLength('a€b')).toBe(4);
  });
});

describe('splitSegments', () => {
  it('never splits an escape from its extension character', () => {
    const text = `${'a'.repeat(152)}€${'b'.repeat(10)}`;
    const { parts } = splitSegments(text);
    expect(parts[0]).toBe('a'.repeat(152));
    expect(parts[1]).toBe(`€${'b'.repeat(10)}`);
    expect(parts.join('')).toBe(text);
  });

  it('never splits a surrogate pair', () => {
    const text = `${'中'.repeat(66)}😀${'中'.repeat(10)}`;
    const { parts } = splitSegments(text);
    expect(parts).toHaveLength(2);
    expect(parts[0]).toBe('中'.repeat(66));
    expect(parts[1].startsWith('😀')).toBe(true);
    expect(parts.join('')).toBe(text);
  });

  it('fills parts to 153 septets and 67 code units', () => {
    expect(splitSegments('a'.repeat(400)).parts.map((p) => p.length)).toEqual([153, 153, 94]);
    expect(splitSegments('中'.repeat(150)).parts.map((p) => p.length)).toEqual([67, 67, 16]);
  });
});

describe('GSM-7 bytes', () => {
  it.each([
    ['@', [0x00]],
    ['Hello', [0x48, 0x65, 0x6c, 0x6c, 0x6f]],
    ['€', [0x1b, 0x65]],
    ['a{b}', [0x61, 0x1b, 0x28, 0x62, 0x1b, 0x29]],
    ['£1', [0x01, 0x31]],
  ])('%j ⇄ %j', (text, bytes) => {
    expect([...encodeGsm7(text)]).toEqual(bytes);
    expect(decodeGsm7(Uint8Array.from(bytes))).toBe(text);
  });

  it('decodes text with @ (0x00) inside, a dangling escape and an unknown extension', () => {
    expect(decodeGsm7(Uint8Array.from([0x61, 0x00, 0x62]))).toBe('a@b');
    expect(decodeGsm7(Uint8Array.from([0x61, 0x1b]))).toBe('a ');
    expect(decodeGsm7(Uint8Array.from([0x1b, 0x41]))).toBe('A');
  });
});

describe('fitSegments', () => {
  it.each([
    ['a text that fits is whole', 'short', 1, '', 'short'],
    ['160 GSM-7 characters are one segment', 'x'.repeat(160), 1, '', 'x'.repeat(160)],
    ['161 are cut to one segment with ...', 'x'.repeat(161), 1, '', `${'x'.repeat(157)}...`],
    ['UCS-2 is cut with …', '中'.repeat(71), 1, '', `${'中'.repeat(69)}…`],
    ['a suffix is kept whole', 'y'.repeat(400), 2, ' Reply STOP to opt out', `${'y'.repeat(306 - 3 - 22)}... Reply STOP to opt out`],
  ])('%s', (_what, text, max, suffix, expected) => {
    const fitted = fitSegments(text, max, suffix);
    expect(fitted).toBe(expected);
    expect(measure(fitted).segments).toBeLessThanOrEqual(max);
  });

  it('cuts a text of hundreds of segments to the cap', () => {
    const huge = '活动'.repeat(20_000);
    const fitted = fitSegments(huge, 10);
    expect(measure(fitted)).toEqual({ encoding: 'UCS-2', segments: 10 });
    expect(fitted.endsWith('…')).toBe(true);
  });
});
