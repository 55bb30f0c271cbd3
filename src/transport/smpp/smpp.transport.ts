import net from 'node:net';
import { SendError, type OutboundSms, type SendResult, type SmsTransport, type TransportSink } from '../types';
import { decodeShortMessage, encodeOutbound } from './coding';
import { ResponseTimeout, SmppLink } from './link';
import { type Pdu, STATUS, TLV } from './pdu';
import { idCandidates, parseReceipt } from './receipt';
import { parseUdh } from './udh';

/** SMPP settings (from SMPP_URL and friends). */
export interface SmppSettings {
  host: string;
  port: number;
  systemId: string;
  password: string;
  sourceAddr: string;
  /** Submits awaiting their response at once. */
  window?: number;
  responseTimeoutMs?: number;
  enquireLinkMs?: number;
  /** First reconnect delay; doubles up to 30 s, with jitter. */
  reconnectMs?: number;
  /** One transceiver bind, or a transmitter and a receiver (SMSCs such as Kannel's test_smsc). */
  bindMode?: 'transceiver' | 'split';
}

type BindCommand = 'bind_transceiver' | 'bind_transmitter' | 'bind_receiver';

/** Status codes that mean "slow down" (the route is throttled, the message goes back at the head). */
const THROTTLED = new Set<number>([STATUS.ESME_RTHROTTLED, STATUS.ESME_RMSGQFUL]);

/**
 * Uplink as an ESME: binds as a transceiver with interface_version 0x34, keeps the link alive with
 * enquire_link and answers the SMSC's, reconnects with backoff after any loss, sends GSM-7 or UCS-2
 * parts with explicit data_coding and registered_delivery, and hands texts and receipts to the core,
 * acknowledging a deliver_sm only after it is committed (ESME_RX_T_APPN when it could not be).
 */
export class SmppTransport implements SmsTransport {
  readonly name = 'smpp';
  /** The link submits go through (the transceiver, or the transmitter in split mode). */
  private link: SmppLink | null = null;
  private readonly links = new Map<BindCommand, SmppLink>();
  private stopped = false;
  private sink: TransportSink | null = null;
  private readonly keepAlive = new Map<BindCommand, NodeJS.Timeout>();
  private readonly attempts = new Map<BindCommand, number>();
  private ref = Math.floor(Math.random() * 255);
  private slots: number;
  private readonly waiters: (() => void)[] = [];

  constructor(private readonly s: SmppSettings) {
    this.slots = s.window ?? 10;
  }

  /** True while every bind is up. */
  isUp(): boolean {
    return this.binds().every((b) => this.links.has(b));
  }

  /** Connects and binds; resolves after the first bind attempts (reconnects continue in the background). */
  async start(sink: TransportSink): Promise<void> {
    this.sink = sink;
    await Promise.all(this.binds().map((b) => this.connect(b).catch(() => this.reconnectLater(b))));
  }

  /** Unbinds (bounded wait) and closes; no reconnect afterwards. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const t of this.keepAlive.values()) clearInterval(t);
    await Promise.all(
      [...this.links.values()].map(async (link) => {
        await Promise.race([link.request({ command: 'unbind' }).catch(() => undefined), new Promise((r) => setTimeout(r, 2000))]);
        link.close();
      }),
    );
    this.links.clear();
  }

  private binds(): BindCommand[] {
    return this.s.bindMode === 'split' ? ['bind_transmitter', 'bind_receiver'] : ['bind_transceiver'];
  }

  /** Sends every part of a message; the first part's id is the message's provider id. */
  async send(msg: OutboundSms): Promise<SendResult> {
    const link = this.link;
    if (!link || !this.isUp()) throw new SendError('unavailable', 'SMPP not bound');
    this.ref = (this.ref + 1) % 256;
    const ids: string[] = [];
    for (const part of encodeOutbound(msg.body, this.ref)) {
      await this.takeSlot();
      let resp: Pdu;
      try {
        resp = await link.request({
          command: 'submit_sm',
          sm: {
            service_type: '',
            source_addr_ton: /^\d+$/.test(this.s.sourceAddr) ? 0 : 5,
            source_addr_npi: /^\d+$/.test(this.s.sourceAddr) ? 1 : 0,
            source_addr: this.s.sourceAddr,
            dest_addr_ton: 1,
            dest_addr_npi: 1,
            destination_addr: msg.to.replace(/^\+/, ''),
            esm_class: part.esmClass,
            protocol_id: 0,
            priority_flag: msg.class === 'security' ? 1 : 0,
            schedule_delivery_time: '',
            validity_period: '',
            registered_delivery: 1,
            replace_if_present_flag: 0,
            data_coding: part.dataCoding,
            sm_default_msg_id: 0,
            short_message: part.shortMessage,
          },
        });
      } catch (err) {
        // Sent but never answered: it may have been accepted, so it is not resent blindly.
        throw new SendError(err instanceof ResponseTimeout || ids.length > 0 ? 'unknown_outcome' : 'unavailable', (err as Error).message);
      } finally {
        this.releaseSlot();
      }
      if (resp.command_status !== STATUS.ESME_ROK) {
        const code = `0x${resp.command_status.toString(16).padStart(2, '0')}`;
        if (ids.length > 0) throw new SendError('unknown_outcome', `part ${ids.length + 1} refused (${code}) after earlier parts were accepted`, code);
        throw new SendError(THROTTLED.has(resp.command_status) ? 'throttled' : 'rejected', `submit_sm refused (${code})`, code);
      }
      ids.push(idCandidates(resp.id ?? '')[0]);
    }
    return { providerId: ids[0], partIds: ids.length > 1 ? ids : undefined };
  }

  private takeSlot(): Promise<void> {
    if (this.slots > 0) {
      this.slots--;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  private releaseSlot(): void {
    const next = this.waiters.shift();
    if (next) next();
    else this.slots++;
  }

  private connect(bind: BindCommand): Promise<void> {
    return new Promise((resolve, reject) => {
      const socket = net.connect({ host: this.s.host, port: this.s.port });
      socket.once('error', reject);
      socket.once('connect', async () => {
        const link = new SmppLink(socket, this.s.responseTimeoutMs ?? 10_000);
        link.on('pdu', (pdu: Pdu) => void this.onRequest(link, pdu));
        link.on('close', () => {
          if (this.links.get(bind) === link) this.links.delete(bind);
          if (this.link === link) this.link = null;
          clearInterval(this.keepAlive.get(bind));
          if (!this.stopped) this.reconnectLater(bind);
        });
        try {
          const resp = await link.request({
            command: bind,
            bind: { system_id: this.s.systemId, password: this.s.password, system_type: '', interface_version: 0x34, addr_ton: 0, addr_npi: 0, address_range: '' },
          });
          if (resp.command_status !== STATUS.ESME_ROK) throw new Error(`${bind} refused (0x${resp.command_status.toString(16)})`);
          this.links.set(bind, link);
          if (bind !== 'bind_receiver') this.link = link;
          this.attempts.set(bind, 0);
          const timer = setInterval(() => {
            link.request({ command: 'enquire_link' }).catch(() => link.close()); // a missed keep-alive drops the link
          }, this.s.enquireLinkMs ?? 30_000);
          this.keepAlive.set(bind, timer);
          resolve();
        } catch (err) {
          link.close();
          reject(err);
        }
      });
    });
  }

  private reconnectLater(bind: BindCommand): void {
    if (this.stopped) return;
    const attempt = this.attempts.get(bind) ?? 0;
    this.attempts.set(bind, attempt + 1);
    const base = Math.min(30_000, (this.s.reconnectMs ?? 1000) * 2 ** attempt);
    setTimeout(() => {
      if (!this.stopped) this.connect(bind).catch(() => this.reconnectLater(bind));
    }, base / 2 + (Math.random() * base) / 2).unref();
  }

  private async onRequest(link: SmppLink, pdu: Pdu): Promise<void> {
    if (pdu.command === 'enquire_link') return void link.send({ command: 'enquire_link_resp', command_status: 0, sequence_number: pdu.sequence_number });
    if (pdu.command === 'unbind') {
      link.send({ command: 'unbind_resp', command_status: 0, sequence_number: pdu.sequence_number });
      return link.close();
    }
    if (pdu.command !== 'deliver_sm' || !pdu.sm) return void link.send({ command: 'generic_nack', command_status: STATUS.ESME_RINVCMDID, sequence_number: pdu.sequence_number });
    let status: number = STATUS.ESME_ROK;
    try {
      await this.deliver(pdu);
    } catch {
      status = STATUS.ESME_RX_T_APPN; // not recorded: the SMSC keeps it and retries
    }
    link.send({ command: 'deliver_sm_resp', command_status: status, sequence_number: pdu.sequence_number, id: '' });
  }

  private async deliver(pdu: Pdu): Promise<void> {
    const sm = pdu.sm!;
    const sink = this.sink!;
    const from = sm.source_addr_ton === 1 ? `+${sm.source_addr}` : sm.source_addr;
    const payload = pdu.tlvs.get(TLV.message_payload) ?? sm.short_message;
    if (sm.esm_class & 0x04) {
      const receipt = parseReceipt(decodeShortMessage(sm.data_coding, payload), {
        receiptedMessageId: pdu.tlvs.get(TLV.receipted_message_id)?.toString('latin1'),
        messageState: pdu.tlvs.get(TLV.message_state)?.[0],
      });
      if (receipt) {
        const [providerId, ...alternatives] = idCandidates(receipt.id);
        await sink.report({ channel: this.name, providerId, alternatives, state: receipt.state, errorCode: receipt.error });
      }
      return;
    }
    const base = { channel: this.name, from, to: sm.destination_addr };
    if (sm.esm_class & 0x40) {
      const udh = parseUdh(payload);
      if (!udh.ok) throw new Error(udh.error);
      const text = decodeShortMessage(sm.data_coding, udh.payload);
      if (udh.concat) return sink.inboundPart({ ...base, providerId: `${from}:${udh.concat.ref}:${udh.concat.seq}:${Date.now()}`, text, ...udh.concat });
      return sink.inbound({ ...base, providerId: `${from}:${pdu.sequence_number}:${Date.now()}`, text });
    }
    const sarRef = pdu.tlvs.get(TLV.sar_msg_ref_num);
    const sarTotal = pdu.tlvs.get(TLV.sar_total_segments);
    const sarSeq = pdu.tlvs.get(TLV.sar_segment_seqnum);
    const text = decodeShortMessage(sm.data_coding, payload);
    if (sarRef && sarTotal && sarSeq) {
      return sink.inboundPart({ ...base, providerId: `${from}:sar:${sarRef.readUInt16BE(0)}:${sarSeq[0]}:${Date.now()}`, text, ref: sarRef.readUInt16BE(0), total: sarTotal[0], seq: sarSeq[0] });
    }
    return sink.inbound({ ...base, providerId: `${from}:${pdu.sequence_number}:${Date.now()}`, text });
  }
}
