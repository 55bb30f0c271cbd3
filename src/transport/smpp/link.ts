import { EventEmitter } from 'node:events';
import type net from 'node:net';
import { answerToMalformed, CMD, encodePdu, isResponseId, type Pdu, parsePdu, splitFrames } from './pdu';

/** A request that was never answered in time. */
export class ResponseTimeout extends Error {
  constructor(readonly pdu: Pdu) {
    super(`no response to ${pdu.command} #${pdu.sequence_number}`);
  }
}

/** The peer answered a request with a response that could not be read: it may have been carried out. */
export class MalformedResponse extends Error {
  constructor(
    readonly request: Pdu['command'],
    reason: string,
  ) {
    super(`unreadable answer to ${request}: ${reason}`);
  }
}

/** The connection closed before a request was answered; `written` says whether it had gone out. */
export class LinkClosed extends Error {
  constructor(
    readonly pdu: Pick<Pdu, 'command' | 'sequence_number'>,
    readonly written: boolean,
  ) {
    super(written ? `connection closed before the response to ${pdu.command} #${pdu.sequence_number}` : `connection closed; ${pdu.command} not sent`);
  }
}

/** A request awaiting its response. */
type Waiting = { command: Pdu['command']; resolve: (p: Pdu) => void; reject: (e: Error) => void; timer: NodeJS.Timeout };

/**
 * One SMPP connection, either side: frames the byte stream, parses PDUs, matches responses to
 * requests by sequence number with a response timer (so no callback waits forever), and answers
 * a malformed PDU (see answerToMalformed) instead of dying. Emits 'pdu' for requests, 'unmatched'
 * for a response no request awaits, 'malformed' and 'close'.
 */
export class SmppLink extends EventEmitter {
  private buffer: Buffer = Buffer.alloc(0);
  private sequence = 0;
  private corked = false;
  // Bounded by age: each request is dropped when answered or after responseTimeoutMs; submits are
  // also capped by the session's window.
  private readonly pending = new Map<number, Waiting>();

  constructor(
    readonly socket: net.Socket,
    private readonly responseTimeoutMs = 10_000,
  ) {
    super();
    // PDUs of a tick already leave in one write (cork); Nagle would hold the next tick's write
    // back until the peer's delayed ACK (up to 40 ms on Linux), on every reply.
    socket.setNoDelay(true);
    socket.on('data', (chunk) => this.onData(chunk));
    socket.on('close', () => this.onClose());
    socket.on('error', () => socket.destroy());
  }

  /** Sends a PDU (a response, or a request whose answer is not awaited). */
  send(pdu: Omit<Pdu, 'tlvs' | 'sequence_number'> & { sequence_number?: number; tlvs?: Map<number, Buffer> }): number {
    const sequence_number = pdu.sequence_number ?? this.nextSequence();
    if (this.socket.destroyed) return sequence_number;
    // PDUs written in one tick leave in one write: a syscall per PDU was a third of the CPU at load.
    if (!this.corked) {
      this.corked = true;
      this.socket.cork();
      process.nextTick(() => {
        this.corked = false;
        this.socket.uncork();
      });
    }
    this.socket.write(encodePdu({ ...pdu, sequence_number }));
    return sequence_number;
  }

  /** Sends a request and resolves with its response (any status); rejects on timeout or close. */
  request(pdu: Omit<Pdu, 'tlvs' | 'sequence_number' | 'command_status'> & { tlvs?: Map<number, Buffer> }): Promise<Pdu> {
    const sequence_number = this.nextSequence();
    return new Promise((resolve, reject) => {
      if (this.socket.destroyed) return reject(new LinkClosed({ command: pdu.command, sequence_number }, false));
      const timer = setTimeout(() => {
        this.pending.delete(sequence_number);
        reject(new ResponseTimeout({ ...pdu, command_status: 0, sequence_number, tlvs: new Map() }));
      }, this.responseTimeoutMs);
      this.pending.set(sequence_number, { command: pdu.command, resolve, reject, timer });
      this.send({ ...pdu, command_status: 0, sequence_number });
    });
  }

  /** False once the connection has closed: nothing sent now reaches the peer. */
  isOpen(): boolean {
    return !this.socket.destroyed;
  }

  /** Closes the connection. */
  close(): void {
    this.socket.end();
    this.socket.destroy();
  }

  private nextSequence(): number {
    this.sequence = this.sequence >= 0x7fffffff ? 1 : this.sequence + 1;
    return this.sequence;
  }

  private onData(chunk: Buffer): void {
    this.buffer = this.buffer.length ? Buffer.concat([this.buffer, chunk]) : chunk;
    const { frames, rest, fatal } = splitFrames(this.buffer);
    this.buffer = Buffer.from(rest);
    for (const frame of frames) {
      const parsed = parsePdu(frame);
      if (!parsed.ok) {
        // The session lives on: the peer is told which request was bad, and a request of ours whose
        // answer cannot be read fails now rather than when its timer runs out.
        this.emit('malformed', parsed.error);
        const answer = answerToMalformed(parsed);
        if (answer) this.send(answer);
        else this.settle(parsed.sequence_number ?? 0, (w) => w.reject(new MalformedResponse(w.command, parsed.error)));
        continue;
      }
      const pdu = parsed.pdu;
      if (!isResponseId(CMD[pdu.command])) this.emit('pdu', pdu);
      else if (!this.settle(pdu.sequence_number, (w) => w.resolve(pdu))) this.emit('unmatched', pdu);
    }
    if (fatal) {
      // A length out of range cannot be re-synchronised: drop the connection (the ESME reconnects).
      this.emit('malformed', fatal);
      this.close();
    }
  }

  /** Hands the request awaiting `sequence_number` its outcome; false when none awaits it. */
  private settle(sequence_number: number, outcome: (waiting: Waiting) => void): boolean {
    const waiting = this.pending.get(sequence_number);
    if (!waiting) return false;
    clearTimeout(waiting.timer);
    this.pending.delete(sequence_number);
    outcome(waiting);
    return true;
  }

  private onClose(): void {
    for (const [seq, p] of this.pending) {
      clearTimeout(p.timer);
      p.reject(new LinkClosed({ command: p.command, sequence_number: seq }, true));
    }
    this.pending.clear();
    this.emit('close');
  }
}
