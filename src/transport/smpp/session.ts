import net from 'node:net';
import tls from 'node:tls';
import type { Logger } from '../../shared/log';
import { smppBinds, smppWindowInUse } from '../../shared/metrics';
import { SmppLink } from './link';
import { type Pdu, type SmBody, STATUS } from './pdu';

/** How to reach and bind to the SMSC. */
export interface SessionSettings {
  host: string;
  port: number;
  systemId: string;
  password: string;
  /** One transceiver bind, or a transmitter and a receiver (SMSCs such as Kannel's test_smsc). */
  bindMode?: 'transceiver' | 'split';
  /** Submits awaiting their response at once. */
  window?: number;
  responseTimeoutMs?: number;
  enquireLinkMs?: number;
  /** First reconnect delay; doubles up to 30 s, with jitter. */
  reconnectMs?: number;
  /**
   * TLS (`smpps://`): the SMSC's certificate is verified against `ca` (a private CA, PEM) or the
   * system's CAs, and its name against `host`. Unset: plain TCP.
   */
  tls?: { ca?: string };
  log?: Logger;
}

/** Waits for `work`, or `ms`, whichever comes first. */
async function within(ms: number, work: Promise<unknown>): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([work, new Promise<void>((r) => (timer = setTimeout(r, ms)))]);
  clearTimeout(timer);
}

/** A bind PDU command. */
export type BindCommand = 'bind_transceiver' | 'bind_transmitter' | 'bind_receiver';

/** What the session hands up: requests from the SMSC other than keep-alive and unbind. */
export type RequestHandler = (link: SmppLink, pdu: Pdu) => Promise<void>;

/**
 * One logical SMPP session: a transceiver bind, or a transmitter and a receiver bind. Keeps each
 * bind alive with enquire_link (a missed answer drops it), answers the SMSC's enquire_link and
 * unbind, reconnects with backoff and jitter after any loss, and caps submits in flight (window).
 */
export class SmppSession {
  private readonly links = new Map<BindCommand, SmppLink>();
  private readonly keepAlive = new Map<BindCommand, NodeJS.Timeout>();
  private readonly attempts = new Map<BindCommand, number>();
  // Sends waiting for a window slot: bounded by the messages the dispatcher has in hand (its lanes'
  // batches and handOffMax); the three maps above hold one entry per bind.
  private readonly waiters: (() => void)[] = [];
  private readonly drained: (() => void)[] = [];
  private stopped = false;
  private slots: number;
  private inFlight = 0;

  constructor(
    private readonly s: SessionSettings,
    private readonly onRequest: RequestHandler,
    /** Names this session in logs (`smpp#1`). */
    readonly label: string,
  ) {
    this.slots = s.window ?? 10;
  }

  /** True while every bind of this session is up. */
  isUp(): boolean {
    return this.binds().every((b) => this.links.has(b));
  }

  /** Window slots free now (a send picks the session with the most). */
  get free(): number {
    return this.slots - this.waiters.length;
  }

  /** Connects and binds; resolves after the first attempt (reconnects continue in the background). */
  async start(): Promise<void> {
    smppBinds.inc({ state: 'unbound' }, this.binds().length);
    await Promise.all(this.binds().map((b) => this.connect(b).catch((err) => this.reconnectLater(b, err))));
  }

  /** Submits one part on the transmitting bind, waiting for a window slot; resolves with the response. */
  async submit(sm: SmBody): Promise<Pdu> {
    await this.takeSlot();
    try {
      const link = this.links.get(this.binds()[0]);
      if (!link) throw new Error(`${this.label} not bound`);
      return await link.request({ command: 'submit_sm', sm });
    } finally {
      this.releaseSlot();
    }
  }

  /** Waits until no submit is in flight, or `ms` passes. */
  async drain(ms: number): Promise<void> {
    if (this.inFlight === 0) return;
    await within(ms, new Promise<void>((r) => this.drained.push(r)));
  }

  /** Unbinds each link (waiting at most `ms` for the answer) and closes; no reconnect afterwards. */
  async stop(ms = 2000): Promise<void> {
    if (!this.stopped) {
      smppBinds.dec({ state: 'bound' }, this.links.size);
      smppBinds.dec({ state: 'unbound' }, this.binds().length - this.links.size);
    }
    this.stopped = true;
    for (const t of this.keepAlive.values()) clearInterval(t);
    await Promise.all(
      [...this.links.values()].map(async (link) => {
        await within(
          ms,
          link.request({ command: 'unbind' }).catch(() => undefined),
        );
        link.close();
      }),
    );
    this.links.clear();
  }

  private binds(): BindCommand[] {
    return this.s.bindMode === 'split' ? ['bind_transmitter', 'bind_receiver'] : ['bind_transceiver'];
  }

  private takeSlot(): Promise<void> {
    this.inFlight++;
    smppWindowInUse.inc();
    if (this.slots > 0) {
      this.slots--;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  private releaseSlot(): void {
    this.inFlight--;
    smppWindowInUse.dec();
    const next = this.waiters.shift();
    if (next) next();
    else this.slots++;
    if (this.inFlight === 0) for (const done of this.drained.splice(0)) done();
  }

  private connect(bind: BindCommand): Promise<void> {
    return new Promise((resolve, reject) => {
      const { host, port } = this.s;
      const socket = this.s.tls ? tls.connect({ host, port, ca: this.s.tls.ca, servername: net.isIP(host) ? undefined : host }) : net.connect({ host, port });
      socket.once('error', reject);
      socket.once(this.s.tls ? 'secureConnect' : 'connect', () => void this.bindOn(socket, bind).then(resolve, reject));
    });
  }

  /** Binds on a connected socket and keeps the bind alive; the link is dropped if the bind fails. */
  private async bindOn(socket: net.Socket, bind: BindCommand): Promise<void> {
    const link = new SmppLink(socket, this.s.responseTimeoutMs ?? 10_000);
    link.on('pdu', (pdu: Pdu) => void this.onPdu(link, pdu));
    link.on('malformed', (reason: string) => this.s.log?.warn({ session: this.label, bind, reason }, 'SMPP: malformed PDU from the SMSC'));
    link.on('close', () => {
      if (this.links.get(bind) === link && !this.stopped) {
        this.links.delete(bind);
        smppBinds.dec({ state: 'bound' });
        smppBinds.inc({ state: 'unbound' });
      }
      clearInterval(this.keepAlive.get(bind));
      if (!this.stopped) this.reconnectLater(bind, new Error('connection closed'));
    });
    try {
      const resp = await link.request({
        command: bind,
        bind: { system_id: this.s.systemId, password: this.s.password, system_type: '', interface_version: 0x34, addr_ton: 0, addr_npi: 0, address_range: '' },
      });
      if (resp.command_status !== STATUS.ESME_ROK) throw new Error(`${bind} refused (0x${resp.command_status.toString(16)})`);
    } catch (err) {
      link.close();
      throw err;
    }
    this.links.set(bind, link);
    smppBinds.inc({ state: 'bound' });
    smppBinds.dec({ state: 'unbound' });
    this.attempts.set(bind, 0);
    this.s.log?.info({ session: this.label, bind }, 'SMPP: bound');
    const timer = setInterval(() => {
      link.request({ command: 'enquire_link' }).catch(() => link.close()); // a missed keep-alive drops the link
    }, this.s.enquireLinkMs ?? 30_000);
    this.keepAlive.set(bind, timer);
  }

  private reconnectLater(bind: BindCommand, why: unknown): void {
    if (this.stopped) return;
    const attempt = this.attempts.get(bind) ?? 0;
    this.attempts.set(bind, attempt + 1);
    const base = Math.min(30_000, (this.s.reconnectMs ?? 1000) * 2 ** attempt);
    const delay = base / 2 + (Math.random() * base) / 2;
    this.s.log?.warn({ session: this.label, bind, attempt: attempt + 1, delayMs: Math.round(delay), reason: (why as Error).message }, 'SMPP: reconnecting');
    setTimeout(() => {
      if (!this.stopped) this.connect(bind).catch((err) => this.reconnectLater(bind, err));
    }, delay).unref();
  }

  private async onPdu(link: SmppLink, pdu: Pdu): Promise<void> {
    if (pdu.command === 'enquire_link') return void link.send({ command: 'enquire_link_resp', command_status: 0, sequence_number: pdu.sequence_number });
    if (pdu.command === 'unbind') {
      this.s.log?.warn({ session: this.label }, 'SMPP: the SMSC unbound');
      link.send({ command: 'unbind_resp', command_status: 0, sequence_number: pdu.sequence_number });
      return link.close();
    }
    await this.onRequest(link, pdu);
  }
}
