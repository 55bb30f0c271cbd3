import { describe, expect, it } from '@jest/globals';
import { decodeShortMessage, encodeOutbound, encodeUcs2 } from '../../../src/transport/smpp/coding';
import { idCandidates, parseReceipt, receiptIdReadings } from '../../../src/transport/smpp/receipt';
import { concatUdh, parseUdh } from '../../../src/transport/smpp/udh';

const hex = (s: string) => Buffer.from(s.replace(/\s/g, ''), 'hex');

describe('parseUdh', () => {
  it.each([
    ['8-bit reference', '050003 2a 03 02 414243', { ref: 0x2a, total: 3, seq: 2 }, 'ABC'],
    ['16-bit reference', '060804 1234 02 01 4142', { ref: 0x1234, total: 2, seq: 1 }, 'AB'],
    ['other IE before concat', '09 0a02 0000 0003 07 02 01 41', { ref: 7, total: 2, seq: 1 }, 'A'],
    ['no concat IE', '03 0a01 00 41', undefined, 'A'],
  ])('%s', (_name, bytes, concat, payload) => {
    const r = parseUdh(hex(bytes));
    expect(r).toMatchObject({ ok: true, concat });
    if (r.ok) expect(r.payload.toString('latin1')).toBe(payload);
  });

  it.each([
    ['empty', '', 'UDHI set but short_message is empty'],
    ['UDHL too long', '09 000301', 'UDH length 9 exceeds short_message (4 bytes)'],
    ['IE overruns', '04 0005 0102', 'information element 0x0 overruns the UDH'],
  ])('refuses %s', (_name, bytes, error) => {
    expect(parseUdh(hex(bytes))).toEqual({ ok: false, error });
  });

  it.each([
    ['part 0', '05 0003 01 02 00 41', 'concatenation part 0 of 2 is impossible'],
    ['part beyond total', '05 0003 01 02 03 41', 'concatenation part 3 of 2 is impossible'],
    ['no parts at all', '05 0003 01 00 01 41', 'concatenation part 1 of 0 is impossible'],
  ])('reads the payload of an impossible %s as a text of its own', (_name, bytes, ignored) => {
    const r = parseUdh(hex(bytes));
    expect(r).toEqual({ ok: true, payload: Buffer.from('A'), ignored });
  });

  it('builds 8- and 16-bit headers that parse back', () => {
    expect(concatUdh(42, 3, 1).toString('hex')).toBe('0500032a0301');
    expect(concatUdh(0x1234, 2, 2).toString('hex')).toBe('060804123402' + '02');
    expect(parseUdh(Buffer.concat([concatUdh(0x1234, 2, 2), Buffer.from('x')]))).toMatchObject({ ok: true, concat: { ref: 0x1234, total: 2, seq: 2 } });
  });
});

describe('decodeShortMessage', () => {
  it.each([
    ['GSM with @ (0x00) and €', 0, '00 41 1b65 42', '@A€B'],
    ['IA5', 1, '42414c', 'BAL'],
    ['Latin-1', 3, '636166e9', 'café'],
    ['UCS-2 big-endian', 8, '4f59 989d', '余额'],
    ['UCS-2 surrogate pair', 8, 'd83d de00', '😀'],
    ['UCS-2 broken surrogate', 8, 'd83d 0041', '\uFFFDA'],
    ['UCS-2 odd length', 8, '4f59 98', '余\uFFFD'],
    ['class 0xF0 (GSM)', 0xf0, '48 69', 'Hi'],
    ['class 0xF4 (8-bit)', 0xf4, '48 69', 'Hi'],
    ['unknown scheme as Latin-1', 0x05, '48 69', 'Hi'],
  ])('%s', (_name, dc, bytes, text) => {
    expect(decodeShortMessage(dc, hex(bytes))).toBe(text);
  });
});

describe('encodeOutbound', () => {
  it('refuses more than 255 parts, which the one-octet UDH cannot count', () => {
    expect(encodeOutbound('x'.repeat(153 * 255), 1)).toHaveLength(255);
    expect(() => encodeOutbound('x'.repeat(153 * 255 + 1), 1)).toThrow('a text of 256 parts: the UDH allows 255 at most');
  });

  it('sends GSM text as data_coding 0 in one part', () => {
    expect(encodeOutbound('Balance €12 {ok}', 1)).toEqual([{ dataCoding: 0, esmClass: 0, shortMessage: expect.any(Buffer) }]);
  });

  it('sends Chinese as UCS-2 big-endian, split with UDH into numbered parts', () => {
    const text = '您好'.repeat(100); // 200 UTF-16 units: 3 parts of ≤ 67
    const parts = encodeOutbound(text, 9);
    expect(parts.map((p) => [p.dataCoding, p.esmClass, p.shortMessage.subarray(0, 6).toString('hex')])).toEqual([
      [8, 0x40, '050003090301'],
      [8, 0x40, '050003090302'],
      [8, 0x40, '050003090303'],
    ]);
    const back = parts.map((p) => decodeShortMessage(8, p.shortMessage.subarray(6))).join('');
    expect(back).toBe(text);
    expect(encodeUcs2('余').toString('hex')).toBe('4f59');
  });
});

describe('parseReceipt', () => {
  const std = 'id:0000012345 sub:001 dlvrd:001 submit date:2611281030 done date:2611281031 stat:DELIVRD err:000 text:Your balance';
  it.each([
    ['standard text', std, {}, { id: '0000012345', state: 'delivered' }],
    [
      'lower-case keys, 12-digit dates',
      'ID:abc123 sub:001 dlvrd:000 submit date:261128103015 done date:261128103120 Stat:UNDELIV err:0B1 text:',
      {},
      { id: 'abc123', state: 'undelivered', error: '0B1' },
    ],
    [
      'text field with id: and stat: inside',
      'id:77 sub:001 dlvrd:001 submit date:2611281030 done date:2611281031 stat:DELIVRD err:000 text:id:99 stat:UNDELIV',
      {},
      { id: '77', state: 'delivered' },
    ],
    ['TLVs win over text', std, { receiptedMessageId: 'FF01', messageState: 5 }, { id: 'FF01', state: 'undelivered' }],
    ['expired', 'id:1 stat:EXPIRED err:000', {}, { id: '1', state: 'expired' }],
    ['rejected', 'id:1 stat:REJECTD err:001', {}, { id: '1', state: 'failed', error: '001' }],
    ['unknown stat word', 'id:1 stat:WHATEVER', {}, { id: '1', state: 'unknown' }],
  ])('%s', (_name, text, tlv, expected) => {
    expect(parseReceipt(text, tlv)).toEqual(expected);
  });

  it('returns null without an id', () => {
    expect(parseReceipt('stat:DELIVRD err:000')).toBeNull();
    expect(parseReceipt('')).toBeNull();
  });
});

describe('idCandidates', () => {
  it.each([
    ['0000012345', ['12345', '3039', '74565']], // digits alone also read as hex
    ['0A1B', ['a1b', '2587']],
    ['abc', ['abc', '2748']],
    ['0', ['0']],
    ['msg-1', ['msg-1']],
  ])('%s → %j', (id, expected) => {
    expect(idCandidates(id)).toEqual(expected);
  });

  it('lets a hex response id meet its decimal receipt id', () => {
    const fromResp = idCandidates('0A1B');
    const fromReceipt = idCandidates('0000002587');
    expect(fromResp.some((c) => fromReceipt.includes(c))).toBe(true);
  });
});

describe('receiptIdReadings', () => {
  it.each([
    ['0000012345', 'auto', ['12345', '3039', '74565']],
    ['0000012345', 'same', ['12345']],
    ['0000012345', 'hex-decimal', ['3039']],
    ['0A1B', 'decimal-hex', ['2587']],
    ['msg-1', 'hex-decimal', ['msg-1']],
  ] as const)('%s under %s → %j', (id, format, expected) => {
    expect(receiptIdReadings(id, format)).toEqual(expected);
  });
});
