// The live half of the import benchmark: card changes posted to POST /api/accounts/changes at a
// steady rate while BAL texts come in, each timed until its reply is handed to the transport.
import type { Gateway } from '../../src/gateway';
import type { OutboundSms, SendResult, SmsTransport } from '../../src/transport/types';

/** A transport that takes everything at once and tells waiters when a reply left. */
export class TimingTransport implements SmsTransport {
  readonly name = 'noop';
  private readonly sentAt = new Map<number, number>();
  private readonly waiters = new Map<number, (at: number) => void>();
  async send(msg: OutboundSms): Promise<SendResult> {
    const at = performance.now();
    this.sentAt.set(msg.id, at);
    this.waiters.get(msg.id)?.(at);
    return { providerId: `n${msg.id}` };
  }
  /** Resolves with the moment a message was handed to this transport. */
  sentMoment(id: number): Promise<number> {
    const at = this.sentAt.get(id);
    return at !== undefined ? Promise.resolve(at) : new Promise((resolve) => this.waiters.set(id, resolve));
  }
}

/** What the live phase measured. */
export interface LiveResult {
  applied: number;
  /** Where the runs of changes and texts ended (the next phase's `first`). */
  next: { change: number; text: number };
  seconds: number;
  latencies: number[];
}

/**
 * For `seconds`, posts `rate` card changes a second (20 requests a second, up to 8 in flight) to
 * cards of customers 1..n, and sends a BAL every 20 ms from one of them. `first` is where the run
 * of changes and of texts starts, so a later phase goes on to cards and customers (and provider
 * ids) the earlier did not touch.
 */
export async function liveLoad(o: {
  gateway: Gateway;
  transport: TimingTransport;
  url: string;
  token: string;
  n: number;
  rate: number;
  seconds: number;
  first: { change: number; text: number };
}): Promise<LiveResult> {
  const perRequest = Math.max(1, Math.round(o.rate / 20));
  const until = performance.now() + o.seconds * 1000;
  let applied = 0;
  let seq = o.first.change;
  let text = o.first.text;
  const changes = async () => {
    const inFlight = new Set<Promise<void>>();
    for (let tick = performance.now(); tick < until; tick += 50) {
      await new Promise((r) => setTimeout(r, Math.max(0, tick - performance.now())));
      if (inFlight.size >= 8) await Promise.race(inFlight);
      const batch = Array.from({ length: perRequest }, () => {
        const i = 1 + ((seq * 7919) % o.n);
        seq++;
        return { type: 'card', cardId: `BK-${i}`, asOf: new Date().toISOString(), version: seq, balance: (seq % 1_000_000) / 100 };
      });
      const p = fetch(`${o.url}/api/accounts/changes`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${o.token}` },
        body: JSON.stringify({ changes: batch }),
      })
        .then(async (res) => {
          const body = (await res.json()) as { applied?: number };
          if (res.status !== 200) throw new Error(`changes answered ${res.status}: ${JSON.stringify(body)}`);
          applied += body.applied ?? 0;
        })
        .finally(() => inFlight.delete(p));
      inFlight.add(p);
    }
    await Promise.all(inFlight);
  };
  const latencies: number[] = [];
  const texts = async () => {
    for (; performance.now() < until; text++) {
      const t0 = performance.now();
      const from = `+86139${String(1 + ((text * 104_729) % o.n)).padStart(8, '0')}`;
      const { id, handled } = await o.gateway.pipeline.ingest({ channel: 'noop', providerId: `bal-${text}`, from, to: 'UPLINK', text: 'BAL' });
      await handled;
      const reply = await o.gateway.db.selectFrom('outbound_messages').select('id').where('inbound_id', '=', id).executeTakeFirstOrThrow();
      latencies.push((await o.transport.sentMoment(reply.id)) - t0);
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  const t0 = performance.now();
  await Promise.all([changes(), texts()]);
  return { applied, next: { change: seq, text }, seconds: (performance.now() - t0) / 1000, latencies: latencies.sort((a, b) => a - b) };
}
