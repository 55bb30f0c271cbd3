import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { createDb } from '../../../../src/db/connection';
import type { MessageClass, OutboundStatus, Tier } from '../../../../src/db/schema';
import { Dispatcher } from '../../../../src/core/outbox/dispatcher';
import { recordReport } from '../../../../src/core/outbox/receipts';
import { RouteTable } from '../../../../src/core/outbox/routes';
import { claimDue } from '../../../../src/core/outbox/claim';
import { createLogger } from '../../../../src/shared/log';
import { SendError } from '../../../../src/transport/types';
import { testGateway, type TestGateway, testPipeline } from '../../../helpers/gateway';
import { ScriptedTransport } from '../../../helpers/transports';
import { waitFor } from '../../../helpers/wait';

let t: TestGateway;
afterEach(async () => {
  await t.close();
});

const LI = '+8613800138000'; // platinum, consent, Asia/Shanghai
const CHAN = '+85291234567'; // gold, consent, Asia/Hong_Kong
const JOHN = '+16465550123'; // standard, no consent, America/New_York
const WANG = '+8613900139000'; // standard, consent, Asia/Shanghai

async function customerOf(mobile: string) {
  return t.tdb.db.selectFrom('customers').selectAll().where('mobile', '=', mobile).executeTakeFirst();
}

async function queue(to: string, cls: MessageClass, body = 'hello', extra: { expiresAt?: Date; tier?: Tier | null; customer?: boolean } = {}) {
  const c = extra.customer === false ? undefined : await customerOf(to);
  const [id] = await t.gw.outbox.enqueue(
    t.tdb.db,
    [
      {
        to,
        body,
        locale: c?.locale ?? 'en',
        template: 'test',
        class: cls,
        tier: extra.tier ?? c?.tier ?? null,
        customerId: c?.id ?? null,
        expiresAt: extra.expiresAt,
      },
    ],
    t.clock.now(),
  );
  return id;
}

const row = (id: number) => t.tdb.db.selectFrom('outbound_messages').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
const drain = async (d: Dispatcher = t.gw.dispatcher) => {
  while ((await d.runOnce()) > 0);
};

describe('consent, quiet hours and caps', () => {
  beforeEach(async () => {
    t = await testGateway({ clock: undefined });
    t.clock.current = new Date('2026-11-28T04:00:00Z'); // 12:00 Shanghai/HK, 23:00 New York
  });

  it('sends marketing only to consented customers who did not opt out, with the opt-out line of their language', async () => {
    await t.sms(WANG, 'TD');
    const toLi = await queue(LI, 'marketing', '新春优惠：刷卡满千返百。');
    const toChan = await queue(CHAN, 'marketing', '新春優惠：簽賬滿千回贈一百。');
    const toJohn = await queue(JOHN, 'marketing', 'New year offer.');
    const toWang = await queue(WANG, 'marketing', '新春优惠');
    const toStranger = await queue('+8613500135000', 'marketing', 'offer', { customer: false });
    const serviceToJohn = await queue(JOHN, 'service', 'Your card ships tomorrow.');
    const securityToWang = await queue(WANG, 'security', '您的卡片已冻结');
    await drain();
    expect(await row(toLi)).toMatchObject({ status: 'sent', body: '新春优惠：刷卡满千返百。\n回复TD退订' });
    expect(await row(toChan)).toMatchObject({ status: 'sent', body: '新春優惠：簽賬滿千回贈一百。\n回覆TD退訂' });
    expect(await row(toJohn)).toMatchObject({ status: 'blocked', last_error: 'no marketing consent' });
    expect(await row(toWang)).toMatchObject({ status: 'blocked', last_error: 'opted out (STOP/TD)' });
    expect(await row(toStranger)).toMatchObject({ status: 'blocked', last_error: 'no customer record: marketing needs consent' });
    expect((await row(serviceToJohn)).status).toBe('sent');
    expect((await row(securityToWang)).status).toBe('sent');
  });

  it('waits out quiet hours in each customer time zone; service and security do not wait', async () => {
    t.clock.current = new Date('2026-11-28T14:00:00Z'); // 22:00 Shanghai and Hong Kong, 09:00 New York
    await t.tdb.db.updateTable('customers').set({ marketing_consent: true }).where('mobile', '=', JOHN).execute();
    const toLi = await queue(LI, 'marketing');
    const toChan = await queue(CHAN, 'marketing');
    const toJohn = await queue(JOHN, 'marketing');
    const serviceToLi = await queue(LI, 'service');
    await drain();
    expect(await row(toLi)).toMatchObject({
      status: 'queued',
      attempts: 0,
      not_before: new Date('2026-11-29T00:00:00Z'),
      last_error: 'deferred: quiet hours in Asia/Shanghai',
    });
    expect(await row(toChan)).toMatchObject({ status: 'queued', not_before: new Date('2026-11-29T00:00:00Z') });
    expect((await row(toJohn)).status).toBe('sent');
    expect((await row(serviceToLi)).status).toBe('sent');
    t.clock.current = new Date('2026-11-29T00:00:00Z');
    await drain();
    expect((await row(toLi)).status).toBe('sent');
    expect((await row(toChan)).status).toBe('sent');
  });

  it('caps marketing per customer per week', async () => {
    const ids = [await queue(LI, 'marketing', 'one'), await queue(LI, 'marketing', 'two'), await queue(LI, 'marketing', 'three')];
    await drain();
    expect(await Promise.all(ids.map(async (id) => (await row(id)).status))).toEqual(['sent', 'sent', 'blocked']);
    expect((await row(ids[2])).last_error).toBe('weekly cap of 2 reached');
  });

  it('caps messages per number per minute, security exempt', async () => {
    await t.close();
    t = await testGateway({ env: { DESTINATION_MAX_PER_MINUTE: '2' } });
    const ids = [await queue(JOHN, 'service'), await queue(JOHN, 'service'), await queue(JOHN, 'service'), await queue(JOHN, 'security')];
    await drain();
    const rows = await Promise.all(ids.map(row));
    expect(rows.map((r) => r.status)).toEqual(['sent', 'sent', 'queued', 'sent']);
    expect(rows[2].last_error).toBe('deferred: per-number cap');
  });
});

describe('priority and lanes', () => {
  beforeEach(async () => {
    t = await testGateway();
  });

  it('claims security before transactional before service before marketing, higher tiers first', async () => {
    const m = await queue(LI, 'marketing');
    const s = await queue(JOHN, 'service');
    const txStandard = await queue(JOHN, 'transactional');
    const txPlatinum = await queue(LI, 'transactional');
    const sec = await queue(JOHN, 'security');
    const rows = await claimDue(t.tdb.db, { batch: 10, leaseMs: 1000, now: t.clock.now(), minPriority: 0, maxPriority: 99 });
    expect(rows.map((r) => r.id)).toEqual([sec, txPlatinum, txStandard, s, m]);
  });

  it.each([
    ['handed to the dispatcher as it commits', true],
    ['claimed from the queue by the urgent lane', false],
  ])('sends a reply while the bulk lane is stuck in a marketing backlog: %s', async (_how, handOff) => {
    // Marketing sends hang until released: had the reply to wait behind them, it would never go.
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const operator = new ScriptedTransport('operator', async (msg) => {
      if (msg.class === 'marketing') await gate;
      return { providerId: '' };
    });
    t = await testGateway({ transports: [operator], env: { QUIET_HOURS_START: '00:00', QUIET_HOURS_END: '00:00', MARKETING_WEEKLY_CAP: '100' } });
    const wang = (await customerOf(WANG))!;
    await t.gw.outbox.enqueue(
      t.tdb.db,
      Array.from({ length: 3000 }, () => ({
        to: WANG,
        body: 'offer',
        locale: 'zh-CN' as const,
        template: 'campaign',
        class: 'marketing' as const,
        customerId: wang.id,
      })),
      t.clock.now(),
    );
    await t.gw.start();
    try {
      await waitFor('the bulk lane holding marketing sends', () => operator.calls.some((m) => m.class === 'marketing'));
      const pipeline = handOff ? t.gw.pipeline : testPipeline(t, { onQueued: () => t.gw.dispatcher.kick('urgent') });
      const { handled } = await pipeline.ingest({ channel: 'operator', providerId: 'pts-1', from: JOHN, to: 'UPLINK', text: 'PTS' });
      await handled;
      await waitFor('the reply', () => operator.sent.some((m) => m.to === JOHN));
      expect(operator.sent.map((m) => m.body)).toEqual(['You have 3,150 reward points (as of Nov 27, 2026, 9:30 PM).']); // no marketing text has gone yet
    } finally {
      release();
    }
  });
});

describe('routing, failover, throttling and retries', () => {
  it('fails over to the next route when a transport is down or unavailable', async () => {
    const a = new ScriptedTransport('a', () => {
      throw new SendError('unavailable', 'bind lost');
    });
    const b = new ScriptedTransport('b');
    t = await testGateway({ transports: [a, b], env: { ROUTES: JSON.stringify([{ via: ['a', 'b'] }]) } });
    const id = await queue(JOHN, 'service');
    await drain();
    expect(await row(id)).toMatchObject({ status: 'sent', channel: 'b', attempts: 1 });
    expect(a.sent).toHaveLength(0);
    expect(b.sent.map((m) => m.id)).toEqual([id]);
    b.up = false;
    const held = await queue(JOHN, 'service');
    await drain();
    expect(await row(held)).toMatchObject({ status: 'queued', last_error: 'no transport up for this route', attempts: 0 });
  });

  it('requeues a throttled message at the head without using an attempt, and slows the route', async () => {
    const slow = new ScriptedTransport('slow', (_m, attempt) => {
      if (attempt === 1) throw new SendError('throttled', 'ESME_RTHROTTLED', '0x58');
      return { providerId: '' };
    });
    t = await testGateway({ transports: [slow], env: { TRANSPORT_LIMITS: JSON.stringify({ slow: { perSecond: 500, segmentsPerSecond: 500 } }) } });
    const id = await queue(JOHN, 'service');
    await t.gw.dispatcher.runOnce();
    expect(await row(id)).toMatchObject({ status: 'queued', attempts: 0, last_error: 'throttled 0x58: ESME_RTHROTTLED' });
    expect(t.gw.dispatcher.throttleOf('slow')!.rateFactor).toBe(0.5);
    t.clock.advance(1000);
    await drain();
    expect(await row(id)).toMatchObject({ status: 'sent', attempts: 1 });
  });

  it('retries retryable errors with backoff up to the limit, fails permanent ones at once', async () => {
    const flaky = new ScriptedTransport('flaky', (m) => {
      if (m.body === 'permanent') throw new SendError('invalid_destination', 'no such number', '21211');
      throw new SendError('timeout', 'no answer');
    });
    t = await testGateway({ transports: [flaky], env: { OUTBOX_MAX_ATTEMPTS: '3' } });
    const perm = await queue(JOHN, 'service', 'permanent');
    const retry = await queue(LI, 'service', 'retry');
    await t.gw.dispatcher.runOnce();
    expect(await row(perm)).toMatchObject({ status: 'failed', attempts: 1, last_error: 'invalid_destination 21211: no such number' });
    const first = await row(retry);
    expect(first).toMatchObject({ status: 'queued', attempts: 1, last_error: 'timeout: no answer' });
    const delay = first.not_before.getTime() - t.clock.now().getTime();
    expect(delay).toBeGreaterThanOrEqual(1000);
    expect(delay).toBeLessThanOrEqual(2000);
    for (let i = 0; i < 3; i++) {
      t.clock.advance(600_000);
      await t.gw.dispatcher.runOnce();
    }
    expect(await row(retry)).toMatchObject({ status: 'failed', attempts: 3, last_error: 'timeout: no answer' });
    expect(flaky.sent.filter((m) => m.id === retry)).toHaveLength(0); // every attempt threw
  });

  it('expires a message whose validity passed before it could go', async () => {
    t = await testGateway();
    const id = await queue(JOHN, 'security', 'Reply Y if this was you', { expiresAt: new Date(t.clock.now().getTime() + 30 * 60_000) });
    t.clock.advance(31 * 60_000);
    await drain();
    expect(await row(id)).toMatchObject({ status: 'expired', last_error: 'validity passed before sending' });
    expect(t.gw.dev.delivered).toHaveLength(0);
  });
});

describe('segments', () => {
  beforeEach(async () => {
    t = await testGateway();
  });

  it('records encoding and segment count before sending', async () => {
    const gsm = await queue(JOHN, 'service', 'Balance € 12 {ok}');
    const long = await queue(JOHN, 'service', 'x'.repeat(161));
    const zh = await queue(LI, 'service', '中'.repeat(71));
    expect(await row(gsm)).toMatchObject({ encoding: 'GSM-7', segments: 1 });
    expect(await row(long)).toMatchObject({ encoding: 'GSM-7', segments: 2 });
    expect(await row(zh)).toMatchObject({ encoding: 'UCS-2', segments: 2 });
  });
});

describe('receipts', () => {
  let smsc: ScriptedTransport;
  beforeEach(async () => {
    let n = 0;
    smsc = new ScriptedTransport('smsc', (m) => {
      n++;
      return m.body.length > 160 ? { providerId: `m${n}-1`, partIds: [`m${n}-1`, `m${n}-2`, `m${n}-3`] } : { providerId: `m${n}` };
    });
    t = await testGateway({ transports: [smsc] });
  });

  const report = (providerId: string, state: 'delivered' | 'undelivered' | 'sent' | 'failed', errorCode?: string) =>
    recordReport(t.tdb.db, { channel: 'smsc', providerId, state, errorCode });

  it('moves messages forward only: late and repeated receipts change nothing', async () => {
    const id = await queue(JOHN, 'service');
    await drain();
    expect(await report('m1', 'delivered')).toBe('applied');
    expect(await report('m1', 'delivered')).toBe('stale');
    expect(await report('m1', 'sent')).toBe('stale');
    expect(await report('m1', 'failed', '0x0b')).toBe('stale');
    expect((await row(id)).status).toBe('delivered' satisfies OutboundStatus);
    expect(await t.tdb.db.selectFrom('delivery_reports').select('outbound_id').execute()).toEqual(Array(4).fill({ outbound_id: id }));
  });

  it('settles a multi-part message only when every part has a receipt', async () => {
    const id = await queue(JOHN, 'service', 'y'.repeat(400));
    await drain();
    expect(await report('m1-3', 'delivered')).toBe('stale');
    expect(await report('m1-1', 'delivered')).toBe('stale');
    expect((await row(id)).status).toBe('sent');
    expect(await report('m1-2', 'delivered')).toBe('applied');
    expect((await row(id)).status).toBe('delivered');
  });

  it('marks a multi-part message undelivered when a part fails', async () => {
    const id = await queue(JOHN, 'service', 'z'.repeat(400));
    await drain();
    await report('m1-1', 'delivered');
    await report('m1-2', 'undelivered', '0x0b');
    await report('m1-3', 'delivered');
    expect(await row(id)).toMatchObject({ status: 'undelivered' });
  });

  it('keeps a receipt that arrives before the provider id is recorded, and applies it on send', async () => {
    expect(await report('m1', 'delivered')).toBe('unmatched');
    const id = await queue(JOHN, 'service');
    await drain();
    expect((await row(id)).status).toBe('delivered');
  });

  it('lets a receipt settle a message left unknown', async () => {
    const id = await queue(JOHN, 'service');
    await drain();
    await t.tdb.db.updateTable('outbound_messages').set({ status: 'unknown' }).where('id', '=', id).execute();
    expect(await report('m1', 'delivered')).toBe('applied');
    expect((await row(id)).status).toBe('delivered');
  });
});

describe('several workers', () => {
  it('send each message exactly once when two dispatchers on separate pools claim at once', async () => {
    const shared = new ScriptedTransport('shared', async () => {
      await new Promise((r) => setTimeout(r, 1));
      return { providerId: '' };
    });
    t = await testGateway({ transports: [shared], env: { DESTINATION_MAX_PER_MINUTE: '100000' } });
    const values = Array.from({ length: 2000 }, (_, i) => ({
      to_number: `+1646555${String(i).padStart(4, '0')}`,
      body: `n${i}`,
      locale: 'en',
      template: 'test',
      class: 'service',
      priority: 22,
      not_before: t.clock.now(),
    }));
    await t.tdb.db
      .insertInto('outbound_messages')
      .values(values as never)
      .execute();
    const otherDb = createDb(t.tdb.url);
    const routes = new RouteTable([{ via: ['shared'] }], ['shared']);
    const mk = (db: typeof otherDb) =>
      new Dispatcher(db, new Map([['shared', shared]]), routes, t.clock.now, createLogger('silent'), { batch: 50, destinationMaxPerMinute: 100000 });
    try {
      await Promise.all([drain(mk(t.tdb.db)), drain(mk(otherDb)), drain(mk(otherDb))]);
    } finally {
      await otherDb.destroy();
    }
    const ids = shared.sent.map((m) => m.id);
    expect(ids).toHaveLength(2000);
    expect(new Set(ids).size).toBe(2000);
    const statuses = await t.tdb.db
      .selectFrom('outbound_messages')
      .select(['status', (eb) => eb.fn.countAll<number>().as('n')])
      .groupBy('status')
      .execute();
    expect(statuses).toEqual([{ status: 'sent', n: 2000 }]);
  });
});
