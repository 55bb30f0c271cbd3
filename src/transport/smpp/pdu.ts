/**
 * SMPP 3.4 PDUs as plain objects, and their wire form (pure; no sockets). Kept to the commands an
 * ESME needs. Parsing never throws: a malformed PDU comes back with the reason and, when the header
 * was readable, its command id and sequence number, so the session can answer it and live on.
 */

/** Command ids (SMPP 3.4 §5.1.2.1). */
export const CMD = {
  generic_nack: 0x80000000,
  bind_receiver: 0x00000001,
  bind_receiver_resp: 0x80000001,
  bind_transmitter: 0x00000002,
  bind_transmitter_resp: 0x80000002,
  submit_sm: 0x00000004,
  submit_sm_resp: 0x80000004,
  deliver_sm: 0x00000005,
  deliver_sm_resp: 0x80000005,
  unbind: 0x00000006,
  unbind_resp: 0x80000006,
  bind_transceiver: 0x00000009,
  bind_transceiver_resp: 0x80000009,
  enquire_link: 0x00000015,
  enquire_link_resp: 0x80000015,
} as const;

/** A command's name. */
export type Command = keyof typeof CMD;
const NAME_BY_ID = new Map<number, Command>(Object.entries(CMD).map(([k, v]) => [v, k as Command]));

/** Command statuses we send or act on (§5.1.3). */
export const STATUS = {
  ESME_ROK: 0x00,
  ESME_RINVMSGLEN: 0x01,
  ESME_RINVCMDLEN: 0x02,
  ESME_RINVCMDID: 0x03,
  ESME_RBINDFAIL: 0x0d,
  ESME_RMSGQFUL: 0x14,
  ESME_RTHROTTLED: 0x58,
  ESME_RX_T_APPN: 0x64,
  ESME_RX_P_APPN: 0x65,
  ESME_RSYSERR: 0x08,
} as const;

/** Optional parameters we read and write (§5.3.2). */
export const TLV = {
  receipted_message_id: 0x001e,
  sar_msg_ref_num: 0x020c,
  sar_total_segments: 0x020e,
  sar_segment_seqnum: 0x020f,
  message_payload: 0x0424,
  message_state: 0x0427,
} as const;

/** The largest PDU we accept; anything longer is a framing error. */
export const MAX_PDU_LENGTH = 64 * 1024;

/** Body of submit_sm and deliver_sm (§4.4.1, §4.6.1). */
export interface SmBody {
  service_type: string;
  source_addr_ton: number;
  source_addr_npi: number;
  source_addr: string;
  dest_addr_ton: number;
  dest_addr_npi: number;
  destination_addr: string;
  esm_class: number;
  protocol_id: number;
  priority_flag: number;
  schedule_delivery_time: string;
  validity_period: string;
  registered_delivery: number;
  replace_if_present_flag: number;
  data_coding: number;
  sm_default_msg_id: number;
  short_message: Buffer;
}

/** Body of the bind requests (§4.1). */
export interface BindBody {
  system_id: string;
  password: string;
  system_type: string;
  interface_version: number;
  addr_ton: number;
  addr_npi: number;
  address_range: string;
}

/** A decoded PDU. Fields not used by a command are absent. */
export interface Pdu {
  command: Command;
  command_status: number;
  sequence_number: number;
  bind?: BindBody;
  /** system_id of bind responses, message_id of submit_sm_resp/deliver_sm_resp. */
  id?: string;
  sm?: SmBody;
  /** Optional parameters by tag, raw. */
  tlvs: Map<number, Buffer>;
}

/** What parsing one frame came to. */
export type ParseResult = { ok: true; pdu: Pdu } | { ok: false; error: string; status: number; command_id?: number; sequence_number?: number };

class Reader {
  constructor(
    private readonly buf: Buffer,
    public pos: number,
  ) {}
  u8(field: string): number {
    if (this.pos >= this.buf.length) throw new Error(`truncated at ${field}`);
    return this.buf[this.pos++];
  }
  cstring(field: string, max: number): string {
    const end = this.buf.indexOf(0, this.pos);
    if (end < 0) throw new Error(`${field} is not NUL-terminated`);
    if (end - this.pos > max - 1) throw new Error(`${field} is longer than ${max - 1} octets`);
    const s = this.buf.toString('latin1', this.pos, end);
    this.pos = end + 1;
    return s;
  }
  bytes(field: string, n: number): Buffer {
    if (this.pos + n > this.buf.length) throw new Error(`${field} runs past the end of the PDU`);
    const b = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return b;
  }
}

function readSm(r: Reader): SmBody {
  const sm = {
    service_type: r.cstring('service_type', 6),
    source_addr_ton: r.u8('source_addr_ton'),
    source_addr_npi: r.u8('source_addr_npi'),
    source_addr: r.cstring('source_addr', 21),
    dest_addr_ton: r.u8('dest_addr_ton'),
    dest_addr_npi: r.u8('dest_addr_npi'),
    destination_addr: r.cstring('destination_addr', 21),
    esm_class: r.u8('esm_class'),
    protocol_id: r.u8('protocol_id'),
    priority_flag: r.u8('priority_flag'),
    schedule_delivery_time: r.cstring('schedule_delivery_time', 17),
    validity_period: r.cstring('validity_period', 17),
    registered_delivery: r.u8('registered_delivery'),
    replace_if_present_flag: r.u8('replace_if_present_flag'),
    data_coding: r.u8('data_coding'),
    sm_default_msg_id: r.u8('sm_default_msg_id'),
  };
  const length = r.u8('sm_length');
  return { ...sm, short_message: Buffer.from(r.bytes('short_message', length)) };
}

const WITH_ID = new Set<Command>(['bind_transmitter_resp', 'bind_receiver_resp', 'bind_transceiver_resp', 'submit_sm_resp', 'deliver_sm_resp']);

/**
 * Parses one complete frame (`command_length` bytes). Unknown commands, bad lengths and truncated
 * bodies are reported with the status to answer (ESME_RINVCMDID, ESME_RINVCMDLEN, ESME_RINVMSGLEN).
 */
export function parsePdu(frame: Buffer): ParseResult {
  if (frame.length < 16) return { ok: false, error: `PDU shorter than its 16-octet header (${frame.length})`, status: STATUS.ESME_RINVCMDLEN };
  const length = frame.readUInt32BE(0);
  const command_id = frame.readUInt32BE(4);
  const sequence_number = frame.readUInt32BE(12);
  if (length !== frame.length)
    return {
      ok: false,
      error: `command_length ${length} does not match the ${frame.length} octets received`,
      status: STATUS.ESME_RINVCMDLEN,
      command_id,
      sequence_number,
    };
  const command = NAME_BY_ID.get(command_id);
  if (!command)
    return { ok: false, error: `unknown command_id 0x${command_id.toString(16).padStart(8, '0')}`, status: STATUS.ESME_RINVCMDID, command_id, sequence_number };
  const pdu: Pdu = { command, command_status: frame.readUInt32BE(8), sequence_number, tlvs: new Map() };
  const r = new Reader(frame, 16);
  try {
    if (command === 'bind_transmitter' || command === 'bind_receiver' || command === 'bind_transceiver') {
      pdu.bind = {
        system_id: r.cstring('system_id', 16),
        password: r.cstring('password', 9),
        system_type: r.cstring('system_type', 13),
        interface_version: r.u8('interface_version'),
        addr_ton: r.u8('addr_ton'),
        addr_npi: r.u8('addr_npi'),
        address_range: r.cstring('address_range', 41),
      };
    } else if (WITH_ID.has(command)) {
      // A response with an error status may carry no body at all (§3.3 note).
      if (r.pos < frame.length) pdu.id = r.cstring(command === 'submit_sm_resp' || command === 'deliver_sm_resp' ? 'message_id' : 'system_id', 66);
    } else if (command === 'submit_sm' || command === 'deliver_sm') {
      pdu.sm = readSm(r);
    }
    while (r.pos < frame.length) {
      const head = r.bytes('TLV header', 4);
      const tag = head.readUInt16BE(0);
      pdu.tlvs.set(tag, Buffer.from(r.bytes(`TLV 0x${tag.toString(16)}`, head.readUInt16BE(2))));
    }
  } catch (err) {
    return { ok: false, error: `${command}: ${(err as Error).message}`, status: STATUS.ESME_RINVMSGLEN, command_id, sequence_number };
  }
  return { ok: true, pdu };
}

/** Whether a command id is a response (its top bit set, generic_nack included). */
export const isResponseId = (command_id: number): boolean => (command_id & 0x80000000) !== 0;

/**
 * What to answer a PDU that could not be parsed: a request whose command is known gets its own
 * response carrying the error status (the peer learns which message failed, and why); a bad
 * command_length or an unknown command_id gets generic_nack (§4.3); a response is never answered
 * (its request fails instead).
 */
export function answerToMalformed(failure: Extract<ParseResult, { ok: false }>): Omit<Pdu, 'tlvs'> | undefined {
  const { command_id, status, sequence_number = 0 } = failure;
  if (command_id !== undefined && isResponseId(command_id)) return undefined;
  const command = command_id === undefined ? undefined : NAME_BY_ID.get(command_id);
  const resp = command && status !== STATUS.ESME_RINVCMDLEN ? NAME_BY_ID.get((CMD[command] | 0x80000000) >>> 0) : undefined;
  if (!resp) return { command: 'generic_nack', command_status: status, sequence_number };
  return { command: resp, command_status: status, sequence_number, ...(WITH_ID.has(resp) && { id: '' }) };
}

const cstr = (s: string) => Buffer.from(`${s}\0`, 'latin1');

/** The wire form of a PDU. */
export function encodePdu(pdu: Omit<Pdu, 'tlvs'> & { tlvs?: Map<number, Buffer> }): Buffer {
  const parts: Buffer[] = [];
  if (pdu.bind) {
    const b = pdu.bind;
    parts.push(cstr(b.system_id), cstr(b.password), cstr(b.system_type), Buffer.from([b.interface_version, b.addr_ton, b.addr_npi]), cstr(b.address_range));
  } else if (pdu.sm) {
    const s = pdu.sm;
    parts.push(
      cstr(s.service_type),
      Buffer.from([s.source_addr_ton, s.source_addr_npi]),
      cstr(s.source_addr),
      Buffer.from([s.dest_addr_ton, s.dest_addr_npi]),
      cstr(s.destination_addr),
      Buffer.from([s.esm_class, s.protocol_id, s.priority_flag]),
      cstr(s.schedule_delivery_time),
      cstr(s.validity_period),
      Buffer.from([s.registered_delivery, s.replace_if_present_flag, s.data_coding, s.sm_default_msg_id, s.short_message.length]),
      s.short_message,
    );
  } else if (pdu.id !== undefined) {
    parts.push(cstr(pdu.id));
  }
  for (const [tag, value] of pdu.tlvs ?? []) {
    const head = Buffer.alloc(4);
    head.writeUInt16BE(tag, 0);
    head.writeUInt16BE(value.length, 2);
    parts.push(head, value);
  }
  const body = Buffer.concat(parts);
  const header = Buffer.alloc(16);
  header.writeUInt32BE(16 + body.length, 0);
  header.writeUInt32BE(CMD[pdu.command], 4);
  header.writeUInt32BE(pdu.command_status >>> 0, 8);
  header.writeUInt32BE(pdu.sequence_number >>> 0, 12);
  return Buffer.concat([header, body]);
}

/**
 * Cuts complete frames off the front of a byte stream. A command_length below 16 or above
 * MAX_PDU_LENGTH cannot be re-synchronised: the caller must close the connection.
 */
export function splitFrames(buffer: Buffer): { frames: Buffer[]; rest: Buffer; fatal?: string } {
  const frames: Buffer[] = [];
  let pos = 0;
  while (buffer.length - pos >= 4) {
    const length = buffer.readUInt32BE(pos);
    if (length < 16 || length > MAX_PDU_LENGTH) return { frames, rest: buffer.subarray(pos), fatal: `command_length ${length} is out of range` };
    if (buffer.length - pos < length) break;
    frames.push(buffer.subarray(pos, pos + length));
    pos += length;
  }
  return { frames, rest: buffer.subarray(pos) };
}
