import http from 'node:http';
import twilio from 'twilio';
import type { SmscSimulator } from '../../src/transport/smpp/simulator';
import { benchNumber } from '../smpp/fixture';

/** What the soak's senders text, in turn (all answered without a transaction for a cardholder). */
const TEXTS = ['BAL', 'PTS', 'BILL', 'HELP'];

/** The bench number (digits) of text `k` on channel `c` (0 or 1) among `senders` distinct numbers. */
export function senderOf(k: number, c: number, senders: number): string {
  return benchNumber(((2 * k + c) % senders) + 1);
}

/** Texts offered and how they were answered, per channel. */
export class Tally {
  sent = 0;
  refused = 0;
}

/**
 * Offers texts `k = 0, 1, …` at `perSecond` from `start` (ms, performance.now) until `end`, through
 * `workers` concurrent senders (each waits for its answer: an HTTP response, a deliver_sm_resp).
 * When the system falls behind, the workers send back to back and the achieved rate shows it.
 */
export async function paced(workers: number, perSecond: number, start: number, end: () => number, send: (k: number) => Promise<boolean>, tally: Tally) {
  let next = 0;
  await Promise.all(
    Array.from({ length: workers }, async () => {
      for (;;) {
        const k = next++;
        const due = start + (k * 1000) / perSecond;
        if (due >= end() || performance.now() >= end()) return;
        const wait = due - performance.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        if (await send(k)) tally.sent++;
        else tally.refused++;
      }
    }),
  );
}

/** Posts signed Twilio webhooks over `connections` keep-alive connections. */
export class TwilioWebhooks {
  private readonly agent: http.Agent;

  constructor(
    private readonly base: string,
    private readonly authToken: string,
    connections: number,
  ) {
    this.agent = new http.Agent({ keepAlive: true, maxSockets: connections });
  }

  /** Text `k` from `from` (digits); true when the gateway answered 200. */
  post(k: number, from: string): Promise<boolean> {
    const params = {
      MessageSid: `SM${String(k).padStart(32, '0')}`,
      AccountSid: 'AC00000000000000000000000000000001',
      From: `+${from}`,
      To: '+18005550100',
      Body: TEXTS[k % TEXTS.length],
    };
    const url = `${this.base}/webhooks/twilio/sms`;
    const body = new URLSearchParams(params).toString();
    const headers = {
      'content-type': 'application/x-www-form-urlencoded',
      'content-length': Buffer.byteLength(body),
      'x-twilio-signature': twilio.getExpectedTwilioSignature(this.authToken, url, params),
    };
    return new Promise((resolve) => {
      const req = http.request(url, { method: 'POST', agent: this.agent, headers, timeout: 30_000 }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode === 200));
      });
      req.on('error', () => resolve(false));
      req.on('timeout', () => req.destroy());
      req.end(body);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}

/** Text `k` from `from` as a deliver_sm from the SMSC; true when answered ESME_ROK. */
export async function deliver(sim: SmscSimulator, k: number, from: string): Promise<boolean> {
  return sim.inject(from, '95555', TEXTS[k % TEXTS.length]).then(
    (statuses) => statuses.every((s) => s === 0),
    () => false,
  );
}
