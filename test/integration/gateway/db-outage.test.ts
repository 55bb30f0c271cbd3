import { afterEach, describe, expect, it } from '@jest/globals';
import { SmscSimulator } from '../../../src/transport/smpp/simulator';
import { freshDatabase } from '../../helpers/db';
import { FakeTwilio } from '../../helpers/fake-twilio';
import { postTwilioText, startChildGateway, tail } from '../../helpers/child-gateway';
import { TcpProxy } from '../../helpers/tcp-proxy';
import { waitFor } from '../../helpers/wait';

const CUSTOMERS = ['+8613800138000', '+85291234567', '+16465550123', '+8613900139000'];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const cleanup: (() => Promise<unknown> | void)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

describe.each(['drop', 'hang'] as const)('PostgreSQL behind a proxy that %ss every connection for 10 s, under traffic', (mode) => {
  it('keeps the gateway alive, answers "try again" meanwhile, then loses nothing and sends nothing twice', async () => {
    const tdb = await freshDatabase();
    const target = new URL(tdb.url);
    const proxy = new TcpProxy({ host: target.hostname, port: Number(target.port || 5432) });
    await proxy.start();
    const fake = new FakeTwilio();
    await fake.start();
    const sim = new SmscSimulator({ receipts: false });
    await sim.start();
    cleanup.push(
      () => tdb.drop(),
      () => proxy.stop(),
      () => fake.stop(),
      () => sim.stop(),
    );
    const proxied = new URL(tdb.url);
    proxied.host = `127.0.0.1:${proxy.port}`;
    const { child, base, log } = await startChildGateway(proxied.toString(), fake, sim, { DB_CONNECT_TIMEOUT_MS: '1000', DB_STATEMENT_TIMEOUT_MS: '2000' });
    cleanup.push(() => void (child.exitCode === null && child.kill('SIGKILL')));

    // Traffic all along: a signed Twilio text every 100 ms (PTS and BILL in turn), an SMPP text every 250 ms.
    const webhooks = new Map<string, { from: string; text: string; statuses: number[] }>();
    const deliveries: { from: string; statuses: number[]; duringFault: boolean }[] = [];
    let faulty = false;
    let sending = true;
    const twilioTraffic = (async () => {
      for (let n = 0; sending; n++) {
        const sid = `SM${mode}${String(n).padStart(4, '0')}`;
        const from = CUSTOMERS[n % CUSTOMERS.length];
        const entry = { from, text: n % 2 ? 'BILL' : 'PTS', statuses: [] as number[] }; // BILL is handled in a transaction
        webhooks.set(sid, entry);
        void postTwilioText(base, sid, from, entry.text).then((status) => entry.statuses.push(status));
        await sleep(100);
      }
    })();
    const smppTraffic = (async () => {
      for (let n = 0; sending; n++) {
        const from = CUSTOMERS[n % CUSTOMERS.length];
        const entry = { from, statuses: [] as number[], duringFault: faulty };
        deliveries.push(entry);
        void sim.inject(from, '95555', 'PTS').then(
          (s) => entry.statuses.push(...s),
          () => entry.statuses.push(-1),
        );
        await sleep(250);
      }
    })();

    await sleep(2_000);
    faulty = true;
    if (mode === 'drop') proxy.drop();
    else proxy.hang();
    const readiness: number[] = [];
    for (const end = Date.now() + 10_000; Date.now() < end;) {
      readiness.push(
        await fetch(`${base}/readyz`, { signal: AbortSignal.timeout(5_000) }).then(
          (r) => r.status,
          () => 0,
        ),
      );
      await sleep(500);
    }
    proxy.pass();
    faulty = false;
    await sleep(2_000);
    sending = false;
    await Promise.all([twilioTraffic, smppTraffic]);
    await waitFor(
      'every request answered',
      () => [...webhooks.values()].every((w) => w.statuses.length > 0) && deliveries.every((d) => d.statuses.length > 0),
      30_000,
    );

    try {
      expect(child.exitCode).toBeNull(); // alive
      expect(readiness.filter((s) => s !== 503 && s !== 200)).toEqual([]); // always an answer, never a hang
      expect(readiness).toContain(503);
      const firstAnswers = [...webhooks.values()].map((w) => w.statuses[0]);
      expect(firstAnswers.filter((s) => s !== 200 && s !== 503)).toEqual([]); // "try again", never 500 or a refused connection
      expect(firstAnswers).toContain(503);
      const smppAnswers = deliveries.map((d) => d.statuses[0]);
      expect(smppAnswers.filter((s) => s !== 0 && s !== 0x64)).toEqual([]); // ESME_RX_T_APPN: the SMSC keeps it
      expect(smppAnswers).toContain(0x64);

      // The peers try again, as Twilio and an SMSC do, until the gateway takes each text.
      for (const [sid, w] of webhooks) while (w.statuses.at(-1) !== 200) w.statuses.push(await postTwilioText(base, sid, w.from, w.text));
      for (const d of deliveries) while (d.statuses.at(-1) !== 0) d.statuses.push(...(await sim.inject(d.from, '95555', 'PTS')));

      // Everything taken is handled and answered once (read straight from PostgreSQL, not through the proxy).
      const settled = async () => {
        const busy = await tdb.db.selectFrom('outbound_messages').select('id').where('status', 'not in', ['sent', 'delivered']).execute();
        const pending = await tdb.db.selectFrom('inbound_messages').select('id').where('status', '!=', 'processed').execute();
        return busy.length === 0 && pending.length === 0;
      };
      // A claim committed as the connection hung is not known to have happened: those rows come back
      // when their lease (60 s) runs out.
      await waitFor('every text handled and every reply sent', settled, 120_000);
      const texts = await tdb.db.selectFrom('inbound_messages').select(['id', 'channel', 'provider_id']).execute();
      const twilioTexts = texts.filter((m) => m.channel === 'twilio');
      expect(twilioTexts.map((m) => m.provider_id).sort()).toEqual([...webhooks.keys()].sort()); // each once
      expect(texts.filter((m) => m.channel === 'smpp').length).toBeGreaterThanOrEqual(deliveries.length);
      const replies = await tdb.db.selectFrom('outbound_messages').select(['inbound_id', 'channel', 'status']).execute();
      expect(replies.filter((r) => r.channel === 'twilio')).toHaveLength(twilioTexts.length); // one reply per text
      expect(new Set(replies.map((r) => r.inbound_id)).size).toBe(replies.length);
      expect(fake.messages).toHaveLength(twilioTexts.length); // each sent once
      expect(sim.submits).toHaveLength(texts.length - twilioTexts.length);
    } catch (err) {
      {
        const rows = await tdb.db
          .selectFrom('outbound_messages')
          .select(['id', 'inbound_id', 'channel', 'status', 'provider_id', 'attempts', 'last_error', 'to_number'])
          .orderBy('id')
          .execute();
        const ids = new Set(sim.submits.map((x) => x.id.toLowerCase()));
        process.stdout.write(`smpp replies not at the SMSC: ${JSON.stringify(rows.filter((r) => r.channel === 'smpp' && !ids.has(r.provider_id!)))}\n`);
        const smppIn = await tdb.db
          .selectFrom('inbound_messages')
          .select(['id', 'provider_id', 'from_number', 'status', 'command'])
          .where('channel', '=', 'smpp')
          .orderBy('id')
          .execute();
        process.stdout.write(`smpp texts without a reply: ${JSON.stringify(smppIn.filter((m) => !rows.some((r) => r.inbound_id === m.id)))}\n`);
        process.stdout.write(
          `replies of smpp texts: ${JSON.stringify(rows.filter((r) => smppIn.some((m) => m.id === r.inbound_id)).map((r) => [r.id, r.inbound_id, r.channel, r.status, r.provider_id, r.attempts, r.last_error]))}\n`,
        );
        process.stdout.write(`smsc submits: ${JSON.stringify(sim.submits.map((x) => [x.id, x.to]))}\n`);
        process.stdout.write(`smpp answers: ${JSON.stringify(deliveries.map((d) => d.statuses))}\n`);
      }
      process.stdout.write(`gateway log (${mode}):\n${tail(log)}\n`);
      throw err;
    }
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    expect(child.exitCode).toBe(0);
  }, 240_000);
});
