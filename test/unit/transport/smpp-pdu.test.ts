import { describe, expect, it } from '@jest/globals';
import { answerToMalformed, CMD, encodePdu, parsePdu, splitFrames, STATUS, TLV } from '../../../src/transport/smpp/pdu';
import { smBody as sm } from '../../helpers/smpp';

/** A bare 16-octet header. */
const header = (length: number, id: number, seq = 42) => {
  const b = Buffer.alloc(16);
  b.writeUInt32BE(length, 0);
  b.writeUInt32BE(id, 4);
  b.writeUInt32BE(seq, 12);
  return b;
};

describe('encodePdu / parsePdu round trips', () => {
  it.each([
    [
      'bind_transceiver',
      {
        command: 'bind_transceiver',
        command_status: 0,
        sequence_number: 1,
        bind: { system_id: 'uplink', password: 'secret', system_type: '', interface_version: 0x34, addr_ton: 0, addr_npi: 0, address_range: '' },
      },
    ],
    ['bind_transceiver_resp', { command: 'bind_transceiver_resp', command_status: 0, sequence_number: 1, id: 'SMSC' }],
    ['submit_sm', { command: 'submit_sm', command_status: 0, sequence_number: 7, sm: sm() }],
    ['submit_sm_resp', { command: 'submit_sm_resp', command_status: 0, sequence_number: 7, id: '0A1B2C' }],
    [
      'deliver_sm with @ (0x00) in the text',
      { command: 'deliver_sm', command_status: 0, sequence_number: 9, sm: sm({ data_coding: 0, short_message: Buffer.from([0x00, 0x41]) }) },
    ],
    ['enquire_link', { command: 'enquire_link', command_status: 0, sequence_number: 3 }],
    ['generic_nack', { command: 'generic_nack', command_status: STATUS.ESME_RINVCMDID, sequence_number: 4 }],
  ])('%s', (_name, pdu) => {
    const parsed = parsePdu(encodePdu(pdu as never));
    expect(parsed).toMatchObject({ ok: true, pdu: { ...pdu, tlvs: new Map() } });
  });

  it('carries TLVs: message_payload, receipt id and state, SAR', () => {
    const tlvs = new Map([
      [TLV.message_payload, Buffer.from('long text')],
      [TLV.receipted_message_id, Buffer.from('abc\0')],
      [TLV.message_state, Buffer.from([2])],
      [TLV.sar_msg_ref_num, Buffer.from([0x12, 0x34])],
    ]);
    const parsed = parsePdu(encodePdu({ command: 'deliver_sm', command_status: 0, sequence_number: 5, sm: sm({ short_message: Buffer.alloc(0) }), tlvs }));
    expect(parsed.ok && parsed.pdu.tlvs).toEqual(tlvs);
  });

  it('reads an error response without a body', () => {
    const frame = encodePdu({ command: 'submit_sm_resp', command_status: STATUS.ESME_RTHROTTLED, sequence_number: 8 });
    expect(frame.length).toBe(16);
    expect(parsePdu(frame)).toMatchObject({ ok: true, pdu: { command: 'submit_sm_resp', command_status: 0x58, sequence_number: 8 } });
  });
});

describe('malformed PDUs are reported, never thrown', () => {
  it.each([
    ['shorter than a header', Buffer.alloc(10), { error: 'PDU shorter than its 16-octet header (10)', status: STATUS.ESME_RINVCMDLEN }],
    [
      'length disagreeing with the frame',
      header(20, CMD.enquire_link),
      { error: 'command_length 20 does not match the 16 octets received', status: STATUS.ESME_RINVCMDLEN, sequence_number: 42 },
    ],
    [
      'unknown command_id',
      header(16, 0x00000077),
      { error: 'unknown command_id 0x00000077', status: STATUS.ESME_RINVCMDID, command_id: 0x77, sequence_number: 42 },
    ],
  ])('%s', (_name, frame, expected) => {
    expect(parsePdu(frame)).toMatchObject({ ok: false, ...expected });
  });

  it('reports a truncated deliver_sm with its sequence number, so it can be answered', () => {
    const full = encodePdu({ command: 'deliver_sm', command_status: 0, sequence_number: 77, sm: sm() });
    const cut = Buffer.from(full.subarray(0, full.length - 3));
    cut.writeUInt32BE(cut.length, 0);
    expect(parsePdu(cut)).toEqual({
      ok: false,
      error: 'deliver_sm: short_message runs past the end of the PDU',
      status: STATUS.ESME_RINVMSGLEN,
      command_id: CMD.deliver_sm,
      sequence_number: 77,
    });
  });

  it('reports a C string without its NUL and an over-long field', () => {
    const noNul = Buffer.concat([header(16 + 3, CMD.submit_sm_resp, 5), Buffer.from('abc')]);
    expect(parsePdu(noNul)).toMatchObject({ ok: false, error: 'submit_sm_resp: message_id is not NUL-terminated', sequence_number: 5 });
    const long = encodePdu({
      command: 'bind_transmitter',
      command_status: 0,
      sequence_number: 6,
      bind: { system_id: 'x'.repeat(20), password: '', system_type: '', interface_version: 0x34, addr_ton: 0, addr_npi: 0, address_range: '' },
    });
    expect(parsePdu(long)).toMatchObject({ ok: false, error: 'bind_transmitter: system_id is longer than 15 octets' });
  });
});

describe('answerToMalformed', () => {
  /** A frame cut `by` octets short, its command_length saying so (a bad length inside a sound frame). */
  const cut = (frame: Buffer, by: number) => {
    const c = Buffer.from(frame.subarray(0, frame.length - by));
    c.writeUInt32BE(c.length, 0);
    return c;
  };
  /** A frame with `extra` octets after its body, counted in its command_length. */
  const padded = (frame: Buffer, extra: Buffer) => {
    const c = Buffer.concat([frame, extra]);
    c.writeUInt32BE(c.length, 0);
    return c;
  };
  const deliver = encodePdu({ command: 'deliver_sm', command_status: 0, sequence_number: 77, sm: sm() });
  const bind = encodePdu({
    command: 'bind_receiver',
    command_status: 0,
    sequence_number: 8,
    bind: { system_id: 'x'.repeat(20), password: '', system_type: '', interface_version: 0x34, addr_ton: 0, addr_npi: 0, address_range: '' },
  });
  const enquire = encodePdu({ command: 'enquire_link', command_status: 0, sequence_number: 9 });
  const submitResp = encodePdu({ command: 'submit_sm_resp', command_status: 0, sequence_number: 5, id: '1A2B' });
  it.each([
    ['a header shorter than 16 octets', Buffer.alloc(10), { command: 'generic_nack', command_status: STATUS.ESME_RINVCMDLEN, sequence_number: 0 }],
    [
      'a command_length disagreeing with the frame',
      header(20, CMD.deliver_sm),
      { command: 'generic_nack', command_status: STATUS.ESME_RINVCMDLEN, sequence_number: 42 },
    ],
    ['an unknown command_id', header(16, 0x00000077), { command: 'generic_nack', command_status: STATUS.ESME_RINVCMDID, sequence_number: 42 }],
    ['a truncated deliver_sm', cut(deliver, 3), { command: 'deliver_sm_resp', command_status: STATUS.ESME_RINVMSGLEN, sequence_number: 77, id: '' }],
    [
      'a deliver_sm whose sm_length runs past its end',
      (() => {
        const d = Buffer.from(deliver);
        d[d.length - 5] = 200; // sm_length 200, 4 octets follow
        return d;
      })(),
      { command: 'deliver_sm_resp', command_status: STATUS.ESME_RINVMSGLEN, sequence_number: 77, id: '' },
    ],
    ['a bind with an over-long system_id', bind, { command: 'bind_receiver_resp', command_status: STATUS.ESME_RINVMSGLEN, sequence_number: 8, id: '' }],
    [
      'an enquire_link with a broken TLV after it',
      padded(enquire, Buffer.from([0x04, 0x24])),
      { command: 'enquire_link_resp', command_status: STATUS.ESME_RINVMSGLEN, sequence_number: 9 },
    ],
  ])('answers %s', (_name, frame, expected) => {
    const parsed = parsePdu(frame);
    if (parsed.ok) throw new Error('parsed a malformed frame');
    expect(answerToMalformed(parsed)).toEqual(expected);
  });

  it.each([
    ['a submit_sm_resp whose message_id lacks its NUL', cut(submitResp, 1)],
    ['a generic_nack with a broken TLV after it', padded(encodePdu({ command: 'generic_nack', command_status: 0, sequence_number: 3 }), Buffer.from([0x00]))],
  ])('never answers a response: %s', (_name, frame) => {
    const parsed = parsePdu(frame);
    if (parsed.ok) throw new Error('parsed a malformed frame');
    expect(answerToMalformed(parsed)).toBeUndefined();
  });
});

describe('splitFrames', () => {
  const a = encodePdu({ command: 'enquire_link', command_status: 0, sequence_number: 1 });
  const b = encodePdu({ command: 'submit_sm_resp', command_status: 0, sequence_number: 2, id: 'x' });
  it('cuts whole frames and keeps the partial rest', () => {
    const stream = Buffer.concat([a, b, b.subarray(0, 5)]);
    const { frames, rest, fatal } = splitFrames(stream);
    expect(frames.map((f) => f.length)).toEqual([16, 18]);
    expect(rest.length).toBe(5);
    expect(fatal).toBeUndefined();
  });
  it('gives up on an impossible command_length', () => {
    const bad = Buffer.alloc(8);
    bad.writeUInt32BE(0xffffffff, 0);
    expect(splitFrames(Buffer.concat([a, bad]))).toMatchObject({ frames: [a], fatal: 'command_length 4294967295 is out of range' });
  });
});
