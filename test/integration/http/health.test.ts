import { afterEach, describe, expect, it } from '@jest/globals';
import { sql } from 'kysely';
import { createDb } from '../../../src/db/connection';
import { jobDefinitions, runJob } from '../../../src/scheduler/jobs';
import { SmppTransport } from '../../../src/transport/smpp/smpp.transport';
import { SmscSimulator } from '../../../src/transport/smpp/simulator';
import { SendError } from '../../../src/transport/types';
import { freshDatabase } from '../../helpers/db';
import { testGateway, type TestGateway } from '../../helpers/gateway';
import { TcpProxy } from '../../helpers/tcp-proxy';
import { ScriptedTransport } from '../../helpers/transports';
import { waitFor } from '../../helpers/wait';

const cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

async function serve(opts: Parameters<typeof testGateway>[0] = {}): Promise<{ t: TestGateway; base: string }> {
  const t = await testGateway(opts);
  cleanup.push(() => t.close());
  return { t, base: `http://127.0.0.1:${await t.gw.start(0)}` };
}

/** The value of one sample of a Prometheus text exposition (0 when absent). */
async function metric(base: string, name: string, labels: Record<string, string> = {}): Promise<number> {
  const text = await (await fetch(`${base}/metrics`)).text();
  const want = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  const line = text.split('\n').find((l) => l.startsWith(name) && (l[name.length] === ' ' || l[name.length] === '{') && want.every((w) => l.includes(w)));
  return line ? Number(line.slice(line.lastIndexOf(' ') + 1)) : 0;
}

describe('/readyz', () => {
  it('is ready when the database answers, its migrations are current and every transport is up', async () => {
    const operator = new ScriptedTransport('operator');
    const { base } = await serve({ transports: [operator] });
    const ready = await fetch(`${base}/readyz`);
    expect([ready.status, await ready.json()]).toEqual([200, { status: 'ready', database: 'ok', migrations: 'current', transports: { operator: 'up' } }]);
    operator.up = false;
    const down = await fetch(`${base}/readyz`);
    expect([down.status, await down.json()]).toEqual([503, { status: 'not ready', database: 'ok', migrations: 'current', transports: { operator: 'down' } }]);
  });

  it('is not ready while a migration is not applied', async () => {
    const { t, base } = await serve();
    await sql`DELETE FROM kysely_migration WHERE name = '012_reliability'`.execute(t.tdb.db);
    const r = await fetch(`${base}/readyz`);
    expect([r.status, await r.json()]).toMatchObject([503, { migrations: { behind: ['012_reliability'] } }]);
  });

  it('answers 503 at once while the database does not answer', async () => {
    const tdb = await freshDatabase();
    const target = new URL(tdb.url);
    const proxy = new TcpProxy({ host: target.hostname, port: Number(target.port || 5432) });
    await proxy.start();
    target.host = `127.0.0.1:${proxy.port}`;
    const db = createDb(target.toString(), 2, { connectMs: 1_000, statementMs: 1_000, queryMs: 1_500 });
    cleanup.push(
      () => tdb.drop(),
      () => proxy.stop(),
    );
    const { base } = await serve({ db });
    proxy.hang();
    const r = await fetch(`${base}/readyz`);
    expect([r.status, await r.json()]).toMatchObject([503, { database: 'unavailable' }]);
    proxy.pass();
  });
});

describe('/metrics', () => {
  it('counts texts in, messages out and the reply latency as they happen', async () => {
    const { t, base } = await serve();
    const points = { channel: 'dev', command: 'points' };
    const sent = { channel: 'dev', class: 'transactional', status: 'sent' };
    const before = [
      await metric(base, 'uplink_inbound_total', points),
      await metric(base, 'uplink_outbound_total', sent),
      await metric(base, 'uplink_reply_latency_seconds_count'),
    ];
    expect(await t.sms('+16465550123', 'PTS')).toEqual([expect.stringMatching(/^You have 3,150 reward points \(as of .+\)\.$/)]);
    const after = [
      await metric(base, 'uplink_inbound_total', points),
      await metric(base, 'uplink_outbound_total', sent),
      await metric(base, 'uplink_reply_latency_seconds_count'),
    ];
    expect(after.map((v, i) => v - before[i])).toEqual([1, 1, 1]);
  });

  it('shows the queue by class and the wait of the oldest due message', async () => {
    const { t, base } = await serve();
    const wang = await t.tdb.db.selectFrom('customers').selectAll().where('mobile', '=', '+8613900139000').executeTakeFirstOrThrow();
    const rows = Array.from({ length: 3 }, () => ({
      to: wang.mobile,
      body: 'offer',
      locale: 'zh-CN' as const,
      template: 'campaign',
      class: 'marketing' as const,
      customerId: wang.id,
    }));
    await t.gw.outbox.enqueue(t.tdb.db, rows, new Date(Date.now() - 90_000)); // due a minute and a half ago, never claimed (no dispatcher running)
    expect(await metric(base, 'uplink_queue_depth', { class: 'marketing' })).toBe(3);
    expect(await metric(base, 'uplink_oldest_queued_seconds', { class: 'marketing' })).toBeGreaterThanOrEqual(89);
    expect(await metric(base, 'uplink_queue_depth', { class: 'security' })).toBe(0);
  });

  it('counts throttled answers, job runs and refused webhooks', async () => {
    const slow = new ScriptedTransport('slow', (_m, attempt) => {
      if (attempt === 1) throw new SendError('throttled', 'slow down', '0x58');
      return { providerId: '' };
    });
    const { t, base } = await serve({
      transports: [slow],
      env: {
        TRANSPORT_LIMITS: JSON.stringify({ slow: { perSecond: 100, segmentsPerSecond: 100 } }),
        TWILIO_ACCOUNT_SID: 'AC1',
        TWILIO_AUTH_TOKEN: 'tok',
        TWILIO_FROM: '+18005550100',
        PUBLIC_BASE_URL: 'https://sms.example',
      },
    });
    const throttled = await metric(base, 'uplink_throttle_events_total', { transport: 'slow' });
    await t.gw.outbox.enqueue(t.tdb.db, [{ to: '+16465550123', body: 'hi', locale: 'en', template: 'test', class: 'service' }], t.clock.now());
    await t.gw.dispatcher.runOnce();
    expect((await metric(base, 'uplink_throttle_events_total', { transport: 'slow' })) - throttled).toBe(1);

    const runs = await metric(base, 'uplink_job_runs_total', { job: 'txcheck-escalate', outcome: 'ok' });
    await runJob(
      { db: t.tdb.db, notifier: t.gw.notifier, config: t.gw.config },
      jobDefinitions('UTC').find((j) => j.name === 'txcheck-escalate')!,
      t.clock.now(),
    );
    expect((await metric(base, 'uplink_job_runs_total', { job: 'txcheck-escalate', outcome: 'ok' })) - runs).toBe(1);

    const refused = await metric(base, 'uplink_webhook_rejected_total', { reason: 'signature' });
    expect((await fetch(`${base}/webhooks/twilio/sms`, { method: 'POST', body: new URLSearchParams({ MessageSid: 'SM1', From: '+1' }) })).status).toBe(403);
    expect((await metric(base, 'uplink_webhook_rejected_total', { reason: 'signature' })) - refused).toBe(1);
  });

  it('shows SMPP binds and the window in use', async () => {
    const sim = new SmscSimulator({ respondAfterMs: Number.POSITIVE_INFINITY, receipts: false });
    const port = await sim.start();
    cleanup.push(() => sim.stop());
    const esme = new SmppTransport({ host: '127.0.0.1', port, systemId: 'uplink', password: 'pw', sender: { addr: '95555' }, responseTimeoutMs: 60_000 });
    const { base } = await serve({ transports: [esme] });
    await waitFor('bind', () => esme.isUp());
    const bound = await metric(base, 'uplink_smpp_binds', { state: 'bound' });
    expect(bound).toBeGreaterThanOrEqual(1);
    const inUse = await metric(base, 'uplink_smpp_window_in_use');
    void esme.send({ id: 1, to: '+16465550123', body: 'never answered', class: 'service', tier: null }).catch(() => {});
    await waitFor('the submit in flight', async () => (await metric(base, 'uplink_smpp_window_in_use')) === inUse + 1);
  });
});
