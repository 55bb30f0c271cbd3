import type { Logger } from '../../shared/log';
import { SendError, type OutboundSms, type SendResult, type SmsTransport, type TransportSink } from '../types';
import { destinationAddress, type SenderSetting, type SmppAddress, sourceAddress, senderFor } from './address';
import { encodeOutbound, type OutboundPart } from './coding';
import { deliverToSink, MalformedMessage } from './inbound';
import { LinkClosed, MalformedResponse, ResponseTimeout, type SmppLink } from './link';
import { type Pdu, type SmBody, STATUS } from './pdu';
import { idCandidates, type ReceiptIdFormat } from './receipt';
import { UnansweredDeliveries } from './redelivery';
import { type SessionSettings, SmppSession } from './session';
import { statusCode, submitErrorKind } from './status';

/** SMPP settings (from SMPP_URL and friends). */
export interface SmppSettings extends SessionSettings {
  /** The default sender (source_addr), with TON/NPI when they must not be inferred. */
  sender: SenderSetting;
  /** A sender per customer tier (e.g. a platinum short code). */
  tierSenders?: Readonly<Record<string, SenderSetting>>;
  /** Sessions sharing the send load (each a transceiver bind, or a transmitter and a receiver). */
  sessions?: number;
  /** How the SMSC's receipt ids relate to its submit_sm_resp ids (default: auto). */
  receiptIds?: ReceiptIdFormat;
  /** How long stop() waits for submits in flight before unbinding. */
  drainMs?: number;
  log?: Logger;
}

/**
 * Uplink as an ESME: one or more SMPP sessions (interface_version 0x34) sharing the send load;
 * sends GSM-7 or UCS-2 parts with explicit data_coding and registered_delivery from the default or
 * the tier's sender, and hands texts and receipts to the core, acknowledging a deliver_sm only
 * after it is committed (ESME_RX_T_APPN when it could not be; see UnansweredDeliveries for one
 * committed after its link died).
 */
export class SmppTransport implements SmsTransport {
  readonly name = 'smpp';
  private readonly sessions: SmppSession[];
  private sink: TransportSink | null = null;
  private stopping = false;
  private receiving = true;
  private ref = Math.floor(Math.random() * 255);
  private turn = 0;
  private readonly unanswered = new UnansweredDeliveries();

  constructor(private readonly s: SmppSettings) {
    const count = Math.max(1, s.sessions ?? 1);
    this.sessions = Array.from({ length: count }, (_, i) => new SmppSession(s, (link, pdu) => this.onRequest(link, pdu), `smpp#${i + 1}`));
  }

  /** True while at least one session is bound and the transport is not shutting down. */
  isUp(): boolean {
    return !this.stopping && this.sessions.some((x) => x.isUp());
  }

  /** Sessions bound now, of those configured. */
  get bound(): { up: number; of: number } {
    return { up: this.sessions.filter((x) => x.isUp()).length, of: this.sessions.length };
  }

  /** Connects and binds every session; resolves after the first attempts (reconnects continue in the background). */
  async start(sink: TransportSink): Promise<void> {
    this.sink = sink;
    this.stopping = false;
    await Promise.all(this.sessions.map((x) => x.start()));
  }

  /** Answers every deliver_sm from now on with ESME_RX_T_APPN: the SMSC keeps it for another bind or later. */
  stopReceiving(): void {
    this.receiving = false;
  }

  /** Graceful shutdown: stops taking sends, waits (bounded) for submits in flight, unbinds, closes. */
  async stop(): Promise<void> {
    this.stopping = true;
    const drainMs = this.s.drainMs ?? 5000;
    await Promise.all(this.sessions.map((x) => x.drain(drainMs)));
    await Promise.all(this.sessions.map((x) => x.stop()));
  }

  /**
   * Sends every part of a message on one session; the first part's id is the message's provider
   * id. Parts an earlier attempt got accepted (`msg.resume`) are not sent again; the rest go with
   * the same reference. A refusal is a definite answer for its part: the error carries the parts
   * accepted so far, so the delivery engine sends only the others again.
   */
  async send(msg: OutboundSms): Promise<SendResult> {
    const session = this.pick();
    if (!session) throw new SendError('unavailable', this.stopping ? 'SMPP shutting down' : 'SMPP not bound');
    const ref = msg.resume?.ref ?? (this.ref = (this.ref + 1) % 256);
    const from = sourceAddress(senderFor(msg.tier, this.s.tierSenders ?? {}, this.s.sender));
    const to = destinationAddress(msg.to);
    let parts;
    try {
      parts = encodeOutbound(msg.body, ref);
    } catch (err) {
      throw new SendError('rejected', (err as Error).message); // more parts than a UDH can number
    }
    const ids = new Map(msg.resume?.accepted ?? []);
    for (const [i, part] of parts.entries()) {
      const partNo = i + 1;
      if (ids.has(partNo)) continue;
      let resp: Pdu;
      try {
        resp = await session.submit(submitBody(from, to, part, msg.class === 'security'));
      } catch (err) {
        // Sent but never answered readably (timer, an unreadable answer, or the link dropped): it may
        // have been accepted, so it is not resent blindly. Not sent at all (no bind): try again later.
        const written = err instanceof ResponseTimeout || err instanceof MalformedResponse || (err instanceof LinkClosed && err.written);
        throw new SendError(written || ids.size > 0 ? 'unknown_outcome' : 'unavailable', (err as Error).message);
      }
      if (resp.command_status !== STATUS.ESME_ROK) {
        const code = statusCode(resp.command_status);
        const kind = submitErrorKind(resp.command_status);
        if (ids.size === 0) throw new SendError(kind, `submit_sm refused (${code})`, code);
        throw new SendError(kind, `part ${partNo} of ${parts.length} refused (${code}); ${ids.size} accepted`, code, { ref, accepted: ids });
      }
      ids.set(partNo, idCandidates(resp.id ?? '')[0]);
    }
    const all = parts.map((_, i) => ids.get(i + 1)!);
    return { providerId: all[0], partIds: all.length > 1 ? all : undefined };
  }

  /** The bound session with the most free window slots; ties go round-robin. */
  private pick(): SmppSession | undefined {
    if (this.stopping) return undefined;
    const n = this.sessions.length;
    this.turn = (this.turn + 1) % n;
    let best: SmppSession | undefined;
    for (let i = 0; i < n; i++) {
      const x = this.sessions[(this.turn + i) % n];
      if (x.isUp() && (!best || x.free > best.free)) best = x;
    }
    return best;
  }

  private async onRequest(link: SmppLink, pdu: Pdu): Promise<void> {
    if (pdu.command !== 'deliver_sm' || !pdu.sm)
      return void link.send({ command: 'generic_nack', command_status: STATUS.ESME_RINVCMDID, sequence_number: pdu.sequence_number });
    let status: number = STATUS.ESME_ROK;
    if (!this.receiving) {
      status = STATUS.ESME_RX_T_APPN; // stopping: the SMSC delivers it again, to another bind or after the restart
    } else if (this.unanswered.take(pdu)) {
      this.s.log?.info({ seq: pdu.sequence_number }, 'SMPP: deliver_sm delivered again after its answer was lost; already recorded');
    } else {
      try {
        await deliverToSink(this.name, pdu, this.sink!, this.s.receiptIds);
      } catch (err) {
        // Unreadable: a permanent error, or the SMSC would deliver the same bytes for ever. Not
        // recorded (the database is away): a temporary one, so the SMSC keeps it and retries.
        status = err instanceof MalformedMessage ? STATUS.ESME_RX_P_APPN : STATUS.ESME_RX_T_APPN;
        this.s.log?.warn({ error: (err as Error).message, seq: pdu.sequence_number, status: statusCode(status) }, 'SMPP: deliver_sm not recorded');
      }
    }
    // Committed, but the link died meanwhile: the SMSC never gets this answer and will deliver it again.
    if (status === STATUS.ESME_ROK && !link.isOpen()) this.unanswered.remember(pdu);
    link.send({ command: 'deliver_sm_resp', command_status: status, sequence_number: pdu.sequence_number, id: '' });
  }
}

/** The submit_sm body of one part: explicit data_coding, registered_delivery on, priority for security texts. */
function submitBody(from: SmppAddress, to: SmppAddress, part: OutboundPart, urgent: boolean): SmBody {
  return {
    service_type: '',
    source_addr_ton: from.ton,
    source_addr_npi: from.npi,
    source_addr: from.addr,
    dest_addr_ton: to.ton,
    dest_addr_npi: to.npi,
    destination_addr: to.addr,
    esm_class: part.esmClass,
    protocol_id: 0,
    priority_flag: urgent ? 1 : 0,
    schedule_delivery_time: '',
    validity_period: '',
    registered_delivery: 1,
    replace_if_present_flag: 0,
    data_coding: part.dataCoding,
    sm_default_msg_id: 0,
    short_message: part.shortMessage,
  };
}
