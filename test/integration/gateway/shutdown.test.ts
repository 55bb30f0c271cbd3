import { afterEach, describe, expect, it } from '@jest/globals';
import { SmscSimulator } from '../../../src/transport/smpp/simulator';
import { type ChildGateway, postTwilioText, startChildGateway, tail } from '../../helpers/child-gateway';
import { freshDatabase } from '../../helpers/db';
import { FakeTwilio } from '../../helpers/fake-twilio';
import { waitFor } from '../../helpers/wait';

const CUSTOMERS = ['+8613800138000', '+85291234567', '+16465550123', '+8613900139000'];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const cleanup: (() => Promise<unknown> | void)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

describe('SIGTERM while texts keep coming', () => {
  it('stops taking texts, finishes those in hand, exits 0, and after a restart nothing is lost or sent twice', async () => {
    const tdb = await freshDatabase();
    const fake = new FakeTwilio();
    await fake.start();
    const sim = new SmscSimulator({ receipts: false });
    await sim.start();
    cleanup.push(
      () => tdb.drop(),
      () => fake.stop(),
      () => sim.stop(),
    );
    let gw: ChildGateway = await startChildGateway(tdb.url, fake, sim);
    const kill = (g: ChildGateway) => () => void (g.child.exitCode === null && g.child.kill('SIGKILL'));
    cleanup.push(kill(gw));

    // Twilio texts every 50 ms (PTS and BILL in turn) and SMPP texts every 50 ms, to whichever gateway runs.
    const webhooks = new Map<string, { from: string; text: string; statuses: number[] }>();
    const deliveries: { from: string; statuses: number[] }[] = [];
    let sending = true;
    const traffic = (async () => {
      for (let n = 0; sending; n++) {
        const sid = `SMstop${String(n).padStart(4, '0')}`;
        const w = { from: CUSTOMERS[n % 4], text: n % 2 ? 'BILL' : 'PTS', statuses: [] as number[] };
        webhooks.set(sid, w);
        void postTwilioText(gw.base, sid, w.from, w.text).then((s) => w.statuses.push(s));
        const d = { from: CUSTOMERS[(n + 1) % 4], statuses: [] as number[] };
        deliveries.push(d);
        void sim.inject(d.from, '95555', 'PTS').then(
          (s) => d.statuses.push(...s),
          () => d.statuses.push(-1),
        );
        await sleep(50);
      }
    })();

    await sleep(2_000);
    gw.child.kill('SIGTERM');
    const code = await gw.exited;
    const stopped = gw;
    try {
      expect(code).toBe(0);
      expect(tail(stopped.log, 5)).toMatch(/"msg":"stopped"/);
    } catch (err) {
      process.stdout.write(`first gateway:\n${tail(stopped.log)}\n`);
      throw err;
    }

    gw = await startChildGateway(tdb.url, fake, sim);
    cleanup.push(kill(gw));
    await sleep(1_000);
    sending = false;
    await traffic;
    await waitFor(
      'every request answered',
      () => [...webhooks.values()].every((w) => w.statuses.length > 0) && deliveries.every((d) => d.statuses.length > 0),
      30_000,
    );
    // What the stopping gateway refused is tried again, as Twilio and an SMSC do.
    for (const [sid, w] of webhooks) while (w.statuses.at(-1) !== 200) w.statuses.push(await postTwilioText(gw.base, sid, w.from, w.text));
    for (const d of deliveries) while (d.statuses.at(-1) !== 0) d.statuses.push(...(await sim.inject(d.from, '95555', 'PTS')));

    try {
      await waitFor(
        'every text handled and every reply sent',
        async () => {
          const busy = await tdb.db.selectFrom('outbound_messages').select('id').where('status', 'not in', ['sent', 'delivered']).execute();
          const pending = await tdb.db.selectFrom('inbound_messages').select('id').where('status', '!=', 'processed').execute();
          return busy.length === 0 && pending.length === 0;
        },
        60_000,
      );
      const texts = await tdb.db.selectFrom('inbound_messages').select(['id', 'channel', 'provider_id']).execute();
      const twilioTexts = texts.filter((m) => m.channel === 'twilio');
      expect(twilioTexts.map((m) => m.provider_id).sort()).toEqual([...webhooks.keys()].sort()); // each once
      expect(texts.length - twilioTexts.length).toBe(deliveries.length); // each SMPP text taken once (refused ones were delivered again)
      const replies = await tdb.db.selectFrom('outbound_messages').select(['inbound_id']).execute();
      expect(new Set(replies.map((r) => r.inbound_id)).size).toBe(texts.length); // one reply per text
      expect(replies).toHaveLength(texts.length);
      expect(fake.messages).toHaveLength(twilioTexts.length); // each sent once
      expect(sim.submits).toHaveLength(texts.length - twilioTexts.length);
    } catch (err) {
      process.stdout.write(`first gateway:\n${tail(stopped.log)}\nsecond gateway:\n${tail(gw.log)}\n`);
      throw err;
    }
    gw.child.kill('SIGTERM');
    expect(await gw.exited).toBe(0);
  }, 240_000);

  it('exits at once on a second signal while the first stop is still finishing what it holds', async () => {
    const tdb = await freshDatabase();
    const fake = new FakeTwilio();
    await fake.start();
    const sim = new SmscSimulator({ receipts: false, respondAfterMs: Number.POSITIVE_INFINITY }); // replies never answered
    await sim.start();
    cleanup.push(
      () => tdb.drop(),
      () => fake.stop(),
      () => sim.stop(),
    );
    const gw = await startChildGateway(tdb.url, fake, sim);
    cleanup.push(() => void (gw.child.exitCode === null && gw.child.kill('SIGKILL')));
    // A text whose reply the SMSC never acknowledges: the stop waits for it (the SMPP window drains).
    expect(await sim.inject('+16465550123', '95555', 'PTS')).toEqual([0]);
    await waitFor('the reply at the SMSC', () => sim.submits.length === 1);
    gw.child.kill('SIGTERM');
    await waitFor('the stop begun', () => gw.log.join('').includes('"msg":"stopping"'));
    gw.child.kill('SIGTERM');
    expect(await gw.exited).toBe(1);
    expect(gw.log.join('')).toMatch(/"msg":"second signal: exiting now"/);
  }, 120_000);
});
