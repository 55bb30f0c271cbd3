import net from 'node:net';
import tls from 'node:tls';
import { decodeShortMessage, encodeOutbound } from './coding';
import { SmppLink } from './link';
import { encodePdu, type Pdu, STATUS } from './pdu';
import { concatUdh, parseUdh } from './udh';
import { encodeGsm7 } from '../codec/gsm7';

/** A submit_sm the simulator accepted, decoded. */
export interface SimSubmit {
  id: string;
  to: string;
  from: string;
  /** source_addr_ton and source_addr_npi. */
  fromTon: number;
  fromNpi: number;
  /** Which connection it came on (1 = the first accepted). */
  connection: number;
  text: string;
  dataCoding: number;
  concat?: { ref: number; total: number; seq: number };
}

/**
 * A small SMSC for local use and tests: accepts binds, acknowledges and records submits (hex ids),
 * returns a receipt for each part, answers enquire_link, and injects inbound texts (split into
 * UDH parts when long). `throttleNext(n)` answers the next n submits with ESME_RTHROTTLED,
 * `garbleNext(n)` with an unreadable submit_sm_resp; `maxPerSecond` makes it throttle whatever goes
 * over that rate, as a loaded SMSC does.
 */
export class SmscSimulator {
  readonly submits: SimSubmit[] = [];
  /** Responses from the ESME to nothing the simulator asked (its answers to `sendRaw` PDUs). */
  readonly unmatched: Pdu[] = [];
  private server: net.Server | null = null;
  private readonly links = new Map<SmppLink, string>();
  private readonly connectionNo = new Map<SmppLink, number>();
  private connections = 0;
  private bucket = { tokens: 0, at: performance.now() };
  /** Submits answered ESME_RTHROTTLED so far. */
  throttledCount = 0;
  private nextId = 0x1000;
  private turn = 0;
  private throttled = 0;
  private garbled = 0;
  private received = 0;
  private ref = 0;
  port = 0;

  constructor(
    private readonly opts: {
      receipts?: boolean;
      log?: (line: string) => void;
      /** Submits accepted per second before the rest are answered ESME_RTHROTTLED. */
      maxPerSecond?: number;
      /** Delay before each submit_sm_resp (a slow SMSC; `Infinity`: never answer). */
      respondAfterMs?: number;
      /** The status to answer the n-th submit_sm with (1-based; 0 accepts it), e.g. every third refused. */
      statusFor?: (n: number) => number;
      /** Called for each accepted submit (benchmarks watch replies arrive). */
      onSubmit?: (submit: SimSubmit) => void;
      /** Keep each accepted submit in `submits` (default true); a long benchmark counts them in `onSubmit` instead. */
      keepSubmits?: boolean;
      /** Listen with TLS (an `smpps://` SMSC) with this key and certificate (PEM). */
      tls?: { key: string; cert: string };
    } = {},
  ) {
    this.bucket.tokens = opts.maxPerSecond ?? 0;
  }

  /** Listens on 127.0.0.1 (port 0: any free port), with TLS when configured so. */
  async start(port = 0): Promise<number> {
    const accept = (socket: net.Socket) => this.accept(socket);
    this.server = this.opts.tls ? tls.createServer(this.opts.tls, accept) : net.createServer(accept);
    await new Promise<void>((resolve) => this.server!.listen(port, '127.0.0.1', () => resolve()));
    this.port = (this.server.address() as net.AddressInfo).port;
    return this.port;
  }

  /** Closes every bind and the listener. */
  async stop(): Promise<void> {
    for (const l of this.links.keys()) l.close();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
    this.server = null;
  }

  /** Answers the next `n` submits with ESME_RTHROTTLED (0x58). */
  throttleNext(n: number): void {
    this.throttled += n;
  }

  /** Answers the next `n` submits with a submit_sm_resp whose message_id lacks its NUL (a broken SMSC). */
  garbleNext(n: number): void {
    this.garbled += n;
  }

  /** Bound sessions now. */
  get sessions(): number {
    return this.links.size;
  }

  /** Delivers a text from a phone to the bound ESME(s); resolves with the deliver_sm_resp statuses. */
  async inject(from: string, to: string, text: string): Promise<number[]> {
    this.ref = (this.ref + 1) % 256;
    // Mobile-originated texts go to a receiver or transceiver bind, taking turns when there are several.
    const receivers = [...this.links].filter(([, kind]) => kind !== 'bind_transmitter');
    if (receivers.length === 0) throw new Error('no ESME bound to receive');
    const link = receivers[this.turn++ % receivers.length][0];
    const statuses: number[] = [];
    for (const part of encodeOutbound(text, this.ref)) {
      const resp = await link.request({ command: 'deliver_sm', sm: sm(from.replace(/^\+/, ''), to, part.esmClass, part.dataCoding, part.shortMessage) });
      statuses.push(resp.command_status);
    }
    return statuses;
  }

  /**
   * Delivers a long text as GSM-7 parts cut where the test says (`chunks`), with concatenation
   * reference `ref`; `only` sends just those part numbers (a late copy of one part).
   */
  async injectParts(from: string, to: string, chunks: string[], ref: number, only?: number[]): Promise<number[]> {
    const link = [...this.links].find(([, kind]) => kind !== 'bind_transmitter')?.[0];
    if (!link) throw new Error('no ESME bound to receive');
    const statuses: number[] = [];
    for (const [i, chunk] of chunks.entries()) {
      if (only && !only.includes(i + 1)) continue;
      const shortMessage = Buffer.concat([concatUdh(ref, chunks.length, i + 1), encodeGsm7(chunk)]);
      const resp = await link.request({ command: 'deliver_sm', sm: sm(from.replace(/^\+/, ''), to, 0x40, 0, shortMessage) });
      statuses.push(resp.command_status);
    }
    return statuses;
  }

  /** Closes the n-th accepted connection (1-based), as a network fault would. */
  dropConnection(n: number): void {
    for (const [link, no] of this.connectionNo) if (no === n) link.close();
  }

  /** Sends raw bytes to the first bound ESME (malformed-PDU tests). */
  sendRaw(bytes: Buffer): void {
    [...this.links.keys()][0]?.socket.write(bytes);
  }

  private accept(socket: net.Socket): void {
    const link = new SmppLink(socket);
    this.connectionNo.set(link, ++this.connections);
    link.on('close', () => {
      this.links.delete(link);
      this.connectionNo.delete(link);
    });
    link.on('pdu', (pdu: Pdu) => this.onPdu(link, pdu));
    link.on('unmatched', (pdu: Pdu) => this.unmatched.push(pdu));
  }

  private onPdu(link: SmppLink, pdu: Pdu): void {
    const reply = (command: Pdu['command'], extra: Partial<Pdu> = {}) =>
      link.send({ command, command_status: 0, sequence_number: pdu.sequence_number, ...extra });
    switch (pdu.command) {
      case 'bind_transceiver':
      case 'bind_transmitter':
      case 'bind_receiver':
        this.links.set(link, pdu.command);
        this.opts.log?.(`bind ${pdu.command} ${pdu.bind?.system_id} v0x${pdu.bind?.interface_version.toString(16)}`);
        return void reply(`${pdu.command}_resp` as Pdu['command'], { id: 'UPLINKSIM' });
      case 'enquire_link':
        return void reply('enquire_link_resp');
      case 'unbind':
        reply('unbind_resp');
        return link.close();
      case 'submit_sm':
        return this.onSubmit(link, pdu);
      default:
        return void reply('generic_nack', { command_status: STATUS.ESME_RINVCMDID });
    }
  }

  /** Takes one token from the capacity bucket; false when the SMSC is over its rate. */
  private withinCapacity(): boolean {
    const max = this.opts.maxPerSecond;
    if (!max) return true;
    const now = performance.now();
    this.bucket.tokens = Math.min(max, this.bucket.tokens + ((now - this.bucket.at) / 1000) * max);
    this.bucket.at = now;
    if (this.bucket.tokens < 1) return false;
    this.bucket.tokens -= 1;
    return true;
  }

  private onSubmit(link: SmppLink, pdu: Pdu): void {
    const refusal = this.opts.statusFor?.(++this.received) ?? 0;
    if (refusal !== 0) {
      if (refusal === STATUS.ESME_RTHROTTLED) this.throttledCount++;
      return void link.send({ command: 'submit_sm_resp', command_status: refusal, sequence_number: pdu.sequence_number });
    }
    if (this.throttled > 0 || !this.withinCapacity()) {
      this.throttled = Math.max(0, this.throttled - 1);
      this.throttledCount++;
      return void link.send({ command: 'submit_sm_resp', command_status: STATUS.ESME_RTHROTTLED, sequence_number: pdu.sequence_number });
    }
    const s = pdu.sm!;
    const udh = s.esm_class & 0x40 ? parseUdh(s.short_message) : undefined;
    const payload = udh?.ok ? udh.payload : s.short_message;
    const id = (this.nextId++).toString(16).toUpperCase();
    const submit: SimSubmit = {
      id,
      to: s.destination_addr,
      from: s.source_addr,
      fromTon: s.source_addr_ton,
      fromNpi: s.source_addr_npi,
      connection: this.connectionNo.get(link) ?? 0,
      text: decodeShortMessage(s.data_coding, payload),
      dataCoding: s.data_coding,
      concat: udh?.ok ? udh.concat : undefined,
    };
    if (this.opts.keepSubmits !== false) this.submits.push(submit);
    this.opts.onSubmit?.(submit);
    const part = submit.concat ? `, part ${submit.concat.seq}/${submit.concat.total}` : '';
    this.opts.log?.(`submit ${id} ${submit.from} → ${submit.to} [dc ${submit.dataCoding}${part}] ${submit.text.replaceAll('\n', '\\n')}`);
    const respond = () => link.send({ command: 'submit_sm_resp', command_status: 0, sequence_number: pdu.sequence_number, id });
    if (this.garbled > 0) {
      this.garbled--;
      return void link.socket.write(unterminatedResp(pdu.sequence_number, id));
    }
    const delay = this.opts.respondAfterMs ?? 0;
    if (delay === Number.POSITIVE_INFINITY) return;
    if (delay > 0) setTimeout(respond, delay);
    else respond();
    const receiver = [...this.links].find(([, kind]) => kind !== 'bind_transmitter')?.[0];
    if (this.opts.receipts !== false && s.registered_delivery & 1 && receiver) {
      // The receipt's id in decimal, as many SMSCs do: the ESME must match it to the hex id above.
      const text = `id:${String(Number.parseInt(id, 16)).padStart(10, '0')} sub:001 dlvrd:001 submit date:2611281030 done date:2611281030 stat:DELIVRD err:000 text:`;
      setTimeout(
        () => void receiver.request({ command: 'deliver_sm', sm: sm(s.destination_addr, s.source_addr, 0x04, 0, Buffer.from(text, 'latin1')) }).catch(() => {}),
        5,
      );
    }
  }
}

/** A submit_sm_resp whose message_id lacks its NUL (command_length counts what is sent). */
function unterminatedResp(sequence_number: number, id: string): Buffer {
  const full = encodePdu({ command: 'submit_sm_resp', command_status: 0, sequence_number, id });
  const cut = Buffer.from(full.subarray(0, full.length - 1));
  cut.writeUInt32BE(cut.length, 0);
  return cut;
}

function sm(from: string, to: string, esmClass: number, dataCoding: number, shortMessage: Buffer) {
  return {
    service_type: '',
    source_addr_ton: /^\d+$/.test(from) && from.length > 8 ? 1 : 0,
    source_addr_npi: 1,
    source_addr: from,
    dest_addr_ton: 0,
    dest_addr_npi: 1,
    destination_addr: to,
    esm_class: esmClass,
    protocol_id: 0,
    priority_flag: 0,
    schedule_delivery_time: '',
    validity_period: '',
    registered_delivery: 0,
    replace_if_present_flag: 0,
    data_coding: dataCoding,
    sm_default_msg_id: 0,
    short_message: shortMessage,
  };
}
