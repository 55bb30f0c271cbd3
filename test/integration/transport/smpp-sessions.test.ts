import { afterEach, describe, expect, it } from '@jest/globals';
import { SendError, type TransportSink } from '../../../src/transport/types';
import { SmppTransport, type SmppSettings } from '../../../src/transport/smpp/smpp.transport';
import { SmscSimulator } from '../../../src/transport/smpp/simulator';
import { TestClock, testGateway, type TestGateway } from '../../helpers/gateway';
import { waitFor } from '../../helpers/wait';

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

const sink: TransportSink = { inbound: async () => {}, inboundPart: async () => {}, report: async () => 'applied' };

/** A simulator and an ESME bound to it, both stopped after the test. */
async function bound(settings: Partial<SmppSettings>, sim = new SmscSimulator()): Promise<{ sim: SmscSimulator; esme: SmppTransport }> {
  const port = await sim.start();
  const esme = new SmppTransport({ host: '127.0.0.1', port, systemId: 'uplink', password: 'pw', sender: { addr: '95555' }, reconnectMs: 50, ...settings });
  cleanup.push(
    () => sim.stop(),
    () => esme.stop(),
  );
  await esme.start(sink);
  return { sim, esme };
}

const msg = (i: number, tier: string | null = null) => ({ id: i, to: `+1646555${String(1000 + i)}`, body: `notice ${i}`, class: 'service', tier });

describe('several SMPP sessions', () => {
  it('binds each configured session and shares the send load between them', async () => {
    const { sim, esme } = await bound({ sessions: 3, window: 2, bindMode: 'split' }, new SmscSimulator({ respondAfterMs: 5 }));
    expect(sim.sessions).toBe(6); // three transmitter and receiver pairs
    expect(esme.bound).toEqual({ up: 3, of: 3 });
    await Promise.all(Array.from({ length: 30 }, (_, i) => esme.send(msg(i))));
    const perConnection = new Map<number, number>();
    for (const s of sim.submits) perConnection.set(s.connection, (perConnection.get(s.connection) ?? 0) + 1);
    expect(sim.submits).toHaveLength(30);
    expect(perConnection.size).toBe(3); // one transmitter per session, each carried a share
    expect(Math.min(...perConnection.values())).toBeGreaterThanOrEqual(5);
  });

  it('keeps sending on the sessions left when one drops, and rebinds it', async () => {
    const { sim, esme } = await bound({ sessions: 2 });
    sim.dropConnection(1);
    await waitFor('one session down', () => esme.bound.up === 1);
    expect(esme.isUp()).toBe(true);
    await esme.send(msg(1));
    await waitFor('rebind', () => esme.bound.up === 2);
    expect(sim.submits.map((s) => s.text)).toEqual(['notice 1']);
  });
});

describe('senders', () => {
  it('sends from the default address with inferred TON/NPI, and a platinum cardholder from the tier short code', async () => {
    const { sim, esme } = await bound({ sender: { addr: '95555' }, tierSenders: { platinum: { addr: '95588', ton: 3, npi: 0 }, gold: { addr: 'UPLINK' } } });
    await esme.send(msg(1, 'standard'));
    await esme.send(msg(2, 'platinum'));
    await esme.send(msg(3, 'gold'));
    await esme.send(msg(4, null));
    expect(sim.submits.map((s) => [s.from, s.fromTon, s.fromNpi])).toEqual([
      ['95555', 0, 1],
      ['95588', 3, 0],
      ['UPLINK', 5, 0],
      ['95555', 0, 1],
    ]);
  });

  it('uses the tier of the customer a queued reply is for', async () => {
    const sim = new SmscSimulator();
    const port = await sim.start();
    const esme = new SmppTransport({
      host: '127.0.0.1',
      port,
      systemId: 'uplink',
      password: 'pw',
      sender: { addr: '95555' },
      tierSenders: { platinum: { addr: '95588' } },
    });
    const t: TestGateway = await testGateway({ transports: [esme] });
    cleanup.push(
      () => sim.stop(),
      () => t.close(),
    );
    await t.gw.start();
    await waitFor('bind', () => esme.isUp());
    await sim.inject('+8613800138000', '95555', 'PTS'); // 李伟, platinum
    await sim.inject('+16465550123', '95555', 'PTS'); // John Smith, standard
    await waitFor('both replies', () => sim.submits.length === 2);
    const from = Object.fromEntries(sim.submits.map((s) => [s.to, s.from]));
    expect(from).toEqual({ '8613800138000': '95588', '16465550123': '95555' });
  });
});

describe('graceful shutdown', () => {
  it('stops taking sends, lets the submits in flight finish, then unbinds', async () => {
    const lines: string[] = [];
    const { sim, esme } = await bound({ window: 10 }, new SmscSimulator({ respondAfterMs: 150, log: (l) => lines.push(l) }));
    const inFlight = Array.from({ length: 5 }, (_, i) => esme.send(msg(i)));
    await waitFor('submits in flight', () => sim.submits.length === 5);
    const stopping = esme.stop();
    await expect(esme.send(msg(9))).rejects.toMatchObject({ kind: 'unavailable', message: 'SMPP shutting down' });
    const results = await Promise.all(inFlight);
    expect(results.map((r) => r.providerId)).toEqual(sim.submits.map((s) => s.id)); // every answer taken
    await stopping;
    expect(esme.isUp()).toBe(false);
    await waitFor('unbound', () => sim.sessions === 0);
  });

  it('waits only so long for an SMSC that never answers: the submit is then of unknown outcome', async () => {
    const { sim, esme } = await bound({ drainMs: 100, responseTimeoutMs: 60_000 }, new SmscSimulator({ respondAfterMs: Number.POSITIVE_INFINITY }));
    const hanging = esme.send(msg(1)).catch((e: unknown) => e);
    await waitFor('submit in flight', () => sim.submits.length === 1);
    await esme.stop();
    const err = await hanging;
    expect(err).toBeInstanceOf(SendError);
    expect(err).toMatchObject({ kind: 'unknown_outcome' }); // it went out: never resent blindly
  });
});

describe('an SMSC that throttles', () => {
  it('answers over its rate with 0x58; the route slows down until the SMSC takes everything, each message once', async () => {
    const sim = new SmscSimulator({ maxPerSecond: 20, receipts: false });
    const port = await sim.start();
    const esme = new SmppTransport({ host: '127.0.0.1', port, systemId: 'uplink', password: 'pw', sender: { addr: '95555' } });
    // The SMSC's rate is in real time, so the gateway's clock (and with it the throttle) is too.
    const t = await testGateway({
      transports: [esme],
      clock: TestClock.realTime(),
      env: { TRANSPORT_LIMITS: '{"smpp":{"perSecond":80,"segmentsPerSecond":80}}' },
    });
    cleanup.push(
      () => sim.stop(),
      () => t.close(),
    );
    await t.gw.start();
    await waitFor('bind', () => esme.isUp());
    const n = 60;
    await t.gw.outbox.enqueue(
      t.tdb.db,
      Array.from({ length: n }, (_, i) => ({
        to: `+1646555${String(2000 + i)}`,
        body: `rate ${i}`,
        locale: 'en' as const,
        template: 'test.rate',
        class: 'service' as const,
      })),
      t.clock.now(),
    );
    const throttle = t.gw.dispatcher.throttleOf('smpp')!;
    const attempts: boolean[] = []; // per submit attempt: throttled or taken, in order
    let lowest = 1;
    let seen = { throttled: 0, taken: 0 };
    await waitFor(
      'all taken',
      async () => {
        t.gw.dispatcher.kick();
        lowest = Math.min(lowest, throttle.rateFactor);
        for (let i = seen.throttled; i < sim.throttledCount; i++) attempts.push(true);
        for (let i = seen.taken; i < sim.submits.length; i++) attempts.push(false);
        seen = { throttled: sim.throttledCount, taken: sim.submits.length };
        return sim.submits.length === n;
      },
      30_000,
    );
    const texts = sim.submits.map((s) => s.text);
    expect(new Set(texts).size).toBe(n); // each message exactly once
    expect(sim.throttledCount).toBeGreaterThan(0);
    expect(lowest).toBeLessThanOrEqual(0.5); // the route's rate was at least halved
    const half = Math.floor(attempts.length / 2);
    const early = attempts.slice(0, half).filter(Boolean).length;
    const late = attempts.slice(half).filter(Boolean).length;
    expect(late).toBeLessThan(early); // it settled: fewer refusals once the rate came down
    const statuses = async () =>
      (await t.tdb.db.selectFrom('outbound_messages').select('status').where('template', '=', 'test.rate').execute()).map((r) => r.status);
    await waitFor('all recorded as sent', async () => (await statuses()).every((s) => s === 'sent'));
  });
});
