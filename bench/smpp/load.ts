import type { SimSubmit, SmscSimulator } from '../../src/transport/smpp/simulator';
import { percentile } from '../db';

/** One system's figures for a run of round trips. */
export interface TripFigures {
  trips: number;
  seconds: number;
  perSecond: number;
  p50: number;
  p99: number;
  max: number;
  /** deliver_sm written → its deliver_sm_resp in (the text recorded), p50 and p99 ms. */
  respP50: number;
  respP99: number;
}

/**
 * Round trips through an ESME bound to the simulator: a deliver_sm from a number, then the reply
 * submit_sm(s) to that number. A trip ends when every part of the reply is in; its latency runs
 * from the moment the deliver_sm was written. One trip per number at a time.
 */
export class RoundTrips {
  private readonly open = new Map<string, { t0: number; parts: number; text: string; done: () => void }>();
  /** The reply each number got (parts joined), for checking. */
  readonly replies = new Map<string, string>();
  /** Wall-clock ms (Date.now) each number's last trip started and ended, to split latency by stage. */
  readonly wall = new Map<string, { start: number; end: number }>();
  /** Submits to a number with no trip open (should stay 0). */
  stray = 0;

  /** Feed every submit the simulator accepts here. */
  onSubmit(s: SimSubmit): void {
    const trip = this.open.get(s.to);
    if (!trip) {
      this.stray++;
      return;
    }
    trip.parts++;
    trip.text += s.text;
    if (trip.parts >= (s.concat?.total ?? 1)) {
      this.open.delete(s.to);
      this.replies.set(s.to, trip.text);
      this.wall.get(s.to)!.end = Date.now();
      trip.done();
    }
  }

  /**
   * Starts one round trip from `number`: resolves with the deliver_sm_resp (`acked`) and once the
   * whole reply is in (`replied`), each with its latency in ms.
   */
  start(sim: SmscSimulator, number: string, text: string, to = '95555'): { acked: Promise<number>; replied: Promise<number> } {
    const t0 = performance.now();
    this.wall.set(number, { start: Date.now(), end: Number.NaN });
    const replied = new Promise<void>((done) => this.open.set(number, { t0, parts: 0, text: '', done })).then(() => performance.now() - t0);
    const acked = sim.inject(number, to, text).then((statuses) => {
      if (statuses.some((s) => s !== 0)) throw new Error(`deliver_sm from ${number} answered 0x${statuses.map((s) => s.toString(16)).join(',')}`);
      return performance.now() - t0;
    });
    return { acked, replied };
  }

  /**
   * As fast as the SMSC may go: a deliver_sm per number, at most `window` of them unanswered at
   * once (an SMSC's window), replies awaited apart. The system's sustained ceiling.
   */
  async saturate(sim: SmscSimulator, numbers: string[], text: string, window: number): Promise<TripFigures> {
    const replies: Promise<number>[] = [];
    const resps: number[] = [];
    let next = 0;
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: window }, async () => {
        while (next < numbers.length) {
          const trip = this.start(sim, numbers[next++], text);
          replies.push(trip.replied);
          resps.push(await trip.acked);
        }
      }),
    );
    const latencies = await Promise.all(replies);
    return figures(latencies, resps, performance.now() - t0);
  }

  /** Trips started at `perSecond` regardless of answers (open loop), one per number. */
  async openLoop(sim: SmscSimulator, numbers: string[], text: string, perSecond: number): Promise<TripFigures> {
    const latencies: number[] = [];
    const resps: number[] = [];
    const pending: Promise<void>[] = [];
    const t0 = performance.now();
    let started = 0;
    while (started < numbers.length) {
      const due = Math.min(numbers.length, Math.floor(((performance.now() - t0) / 1000) * perSecond) + 1);
      for (; started < due; started++) {
        const trip = this.start(sim, numbers[started], text);
        pending.push(
          trip.acked.then((ms) => void resps.push(ms)),
          trip.replied.then((ms) => void latencies.push(ms)),
        );
      }
      await new Promise((r) => setTimeout(r, 1));
    }
    await Promise.all(pending);
    return figures(latencies, resps, performance.now() - t0);
  }
}

function figures(latencies: number[], resps: number[], ms: number): TripFigures {
  const sorted = [...latencies].sort((a, b) => a - b);
  const resp = [...resps].sort((a, b) => a - b);
  return {
    trips: sorted.length,
    seconds: ms / 1000,
    perSecond: sorted.length / (ms / 1000),
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    max: sorted.at(-1) ?? Number.NaN,
    respP50: percentile(resp, 50),
    respP99: percentile(resp, 99),
  };
}
