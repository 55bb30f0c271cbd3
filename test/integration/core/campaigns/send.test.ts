import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { sql } from 'kysely';
import { createDb } from '../../../../src/db/connection';
import type { Staff } from '../../../../src/db/schema';
import { approveCampaign, type CampaignInput, campaignInput, createCampaign } from '../../../../src/domain/campaigns/campaigns';
import { addStaff } from '../../../../src/domain/staff';
import { controlCampaign, PAUSED_UNTIL } from '../../../../src/core/campaigns/control';
import { continueRuns, settleCampaigns, startDueCampaigns } from '../../../../src/core/campaigns/run';
import { admit } from '../../../../src/core/outbox/admit';
import { claimDue } from '../../../../src/core/outbox/claim';
import { DISPATCHER_DEFAULTS } from '../../../../src/core/outbox/options';
import { DestinationWindow } from '../../../../src/core/outbox/window';
import { Gateway } from '../../../../src/gateway';
import { jobDefinitions } from '../../../../src/scheduler/jobs';
import { createLogger } from '../../../../src/shared/log';
import { addCustomers } from '../../../helpers/campaign-data';
import { TestClock, testGateway, type TestGateway } from '../../../helpers/gateway';

let t: TestGateway;
let maker: Staff;
let checker: Staff;
// 10:30 in Shanghai and Hong Kong: outside quiet hours.
const START = new Date('2026-11-28T02:30:00Z');

beforeEach(async () => {
  t = await testGateway({ clock: new TestClock(START) });
  maker = (await addStaff(t.tdb.db, { externalId: 'MK-1', name: 'Maker', role: 'marketing', mobile: '+8613600136000' })).staff;
  checker = (await addStaff(t.tdb.db, { externalId: 'SV-1', name: 'Checker', role: 'supervisor' })).staff;
  await addCustomers(t.tdb.db, [
    { id: 'c-en', locale: 'en', name: 'Amy', city: 'Qingdao', points: 1200 },
    { id: 'c-cn', locale: 'zh-CN', name: '张三', city: 'Qingdao', points: 5 },
    { id: 'c-hk', locale: 'zh-HK', name: '陳大文', city: 'Qingdao', points: 0, timeZone: 'Asia/Hong_Kong' },
    { id: 'c-no', locale: 'en', city: 'Qingdao', consent: false },
  ]);
});
afterEach(async () => {
  await t.close();
});

const MESSAGES = {
  en: 'Hi {name}, card {last4}: {points, number} points. Reply {keyword} for the gala',
  'zh-CN': '{name}您好，尾号{last4}的卡有{points}积分，回复{keyword}报名',
  'zh-HK': '{name}你好，尾號{last4}的卡有{points}積分，回覆{keyword}報名',
};

async function approved(over: Partial<CampaignInput> = {}, at = '2026-11-28T10:40') {
  const input = campaignInput.parse({
    name: 'Gala',
    purpose: 'Invite to the gala',
    messages: MESSAGES,
    audience: { cities: ['Qingdao'] },
    schedule: { kind: 'once', at, timeZone: 'Asia/Shanghai' },
    ratePerSecond: 100,
    validityMinutes: 120,
    promotedKeyword: 'join gala27',
    ...over,
  });
  const c = await createCampaign(t.tdb.db, input, maker, t.clock.now());
  const a = await approveCampaign(t.tdb.db, c.id, checker, t.clock.now());
  if (a.kind !== 'done') throw new Error(JSON.stringify(a));
  return a.campaign;
}

const texts = (campaignId: number) =>
  t.tdb.db
    .selectFrom('outbound_messages')
    .select(['id', 'customer_id', 'to_number', 'status', 'body', 'locale', 'not_before', 'last_error'])
    .where('campaign_id', '=', campaignId)
    .orderBy('id')
    .execute();
const drain = async () => {
  while ((await t.gw.dispatcher.runOnce()) > 0);
};

describe('a scheduled campaign', () => {
  it('fires once across two gateways on one database, and every language carries its opt-out line', async () => {
    const c = await approved();
    const db2 = createDb(t.tdb.url);
    const other = new Gateway({ config: t.gw.config, db: db2, clock: t.clock.now, log: createLogger('silent') });
    try {
      const job = jobDefinitions('UTC').find((j) => j.name === 'campaigns')!;
      await Promise.all([t.gw.scheduler.tick(job), other.scheduler.tick(job)]);
      expect(await texts(c.id)).toEqual([]); // 10:30: not due until 10:40
      t.clock.advance(10 * 60_000);
      const ran = await Promise.all([t.gw.scheduler.tick(job), other.scheduler.tick(job)]);
      expect(ran.filter(Boolean)).toHaveLength(1);
      // A later tick (either gateway) starts nothing again.
      t.clock.advance(60_000);
      await Promise.all([t.gw.scheduler.tick(job), other.scheduler.tick(job)]);
    } finally {
      await other.stop();
      await db2.destroy();
    }
    const runs = await t.tdb.db.selectFrom('campaign_runs').selectAll().where('campaign_id', '=', c.id).execute();
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ targeted: 3, excluded: { no_consent: 1, opted_out: 0, weekly_cap: 0, no_reachable_number: 0 } });
    const queued = await texts(c.id);
    expect(queued).toHaveLength(3);
    await drain();
    const bodies = t.gw.dev.delivered.filter((d) => queued.some((q) => q.id === d.id)).map((d) => d.body);
    expect(bodies.sort()).toEqual([
      expect.stringMatching(/^Hi Amy, card \d{4}: 1,200 points\. Reply JOIN GALA27 for the gala\nReply STOP to opt out$/),
      expect.stringMatching(/^张三您好，尾号\d{4}的卡有5积分，回复JOIN GALA27报名\n回复TD退订$/),
      expect.stringMatching(/^陳大文你好，尾號\d{4}的卡有0積分，回覆JOIN GALA27報名\n回覆TD退訂$/),
    ]);
    expect(bodies.filter((b) => b.endsWith('Reply STOP to opt out'))).toHaveLength(1);
    expect(bodies.filter((b) => b.endsWith('回复TD退订'))).toHaveLength(1);
    expect(bodies.filter((b) => b.endsWith('回覆TD退訂'))).toHaveLength(1);
    expect((await texts(c.id)).map((r) => r.status)).toEqual(['sent', 'sent', 'sent']);
    // Nothing left to send and no next run: the campaign is done.
    expect(await settleCampaigns(t.tdb.db, t.clock.now())).toBe(1);
    expect((await t.tdb.db.selectFrom('campaigns').select('status').where('id', '=', c.id).executeTakeFirstOrThrow()).status).toBe('done');
  });

  it('runs a once campaign once even when it was started before its time', async () => {
    const c = await approved();
    // Started early (an operator set its next run to now): it must not run again at its own time.
    await t.tdb.db.updateTable('campaigns').set({ next_run_at: t.clock.now() }).where('id', '=', c.id).execute();
    expect(await startDueCampaigns(t.tdb.db, t.clock.now())).toBe(1);
    t.clock.advance(10 * 60_000);
    expect(await startDueCampaigns(t.tdb.db, t.clock.now())).toBe(0);
    expect((await t.tdb.db.selectFrom('campaigns').select('next_run_at').where('id', '=', c.id).executeTakeFirstOrThrow()).next_run_at).toBeNull();
  });

  it('does not start a campaign edited after its approval', async () => {
    const c = await approved();
    await sql`UPDATE campaigns SET version = version + 1 WHERE id = ${c.id}`.execute(t.tdb.db);
    t.clock.advance(10 * 60_000);
    expect(await startDueCampaigns(t.tdb.db, t.clock.now())).toBe(0);
  });
});

describe('recurring and relative schedules', () => {
  it('runs a relative campaign daily for the customers activated 30 days before, and a cron one at each slot', async () => {
    await addCustomers(t.tdb.db, [
      { id: 'act-30', city: 'Qingdao', locale: 'en', cards: [{ activatedAt: '2026-10-29T03:00:00Z' }] }, // 29 Oct in Shanghai: 30 days before 28 Nov
      { id: 'act-31', city: 'Qingdao', locale: 'en', cards: [{ activatedAt: '2026-10-28T03:00:00Z' }] },
    ]);
    const rel = await approved({ schedule: { kind: 'relative', anchor: 'activation', days: 30, at: '10:40', timeZone: 'Asia/Shanghai' } });
    const weekly = await approved({
      schedule: { kind: 'cron', cron: '40 10 * * *', timeZone: 'Asia/Shanghai' },
      audience: { languages: ['zh-HK'], cities: ['Qingdao'] },
    });
    const ctx = { db: t.tdb.db, notifier: t.gw.notifier, config: t.gw.config };
    t.clock.advance(10 * 60_000);
    expect(await startDueCampaigns(t.tdb.db, t.clock.now())).toBe(2);
    await continueRuns(ctx, t.clock.now());
    const who = async (id: number) =>
      (
        await sql<{
          external_id: string;
        }>`SELECT c.external_id FROM outbound_messages o JOIN customers c ON c.id = o.customer_id WHERE o.campaign_id = ${id} ORDER BY 1`.execute(t.tdb.db)
      ).rows.map((r) => r.external_id);
    expect(await who(rel.id)).toEqual(['act-30']);
    expect(await who(weekly.id)).toEqual(['c-hk']);
    const next = await t.tdb.db.selectFrom('campaigns').select(['id', 'status', 'next_run_at']).where('id', 'in', [rel.id, weekly.id]).orderBy('id').execute();
    expect(next.map((n) => [n.status, n.next_run_at?.toISOString()])).toEqual([
      ['running', '2026-11-29T02:40:00.000Z'],
      ['running', '2026-11-29T02:40:00.000Z'],
    ]);
    // The next day: act-31 is not due again (the anchor moved on); the cron campaign runs again, a new run.
    t.clock.advance(24 * 3600_000);
    expect(await startDueCampaigns(t.tdb.db, t.clock.now())).toBe(2);
    await continueRuns(ctx, t.clock.now());
    expect(await who(rel.id)).toEqual(['act-30']);
    expect(await t.tdb.db.selectFrom('campaign_runs').select('id').where('campaign_id', '=', weekly.id).execute()).toHaveLength(2);
  });
});

describe('pause, resume, cancel', () => {
  it('holds queued texts while paused, spaces them again on resume, and blocks the rest on cancel', async () => {
    const c = await approved({ ratePerSecond: 1 });
    t.clock.advance(10 * 60_000);
    await startDueCampaigns(t.tdb.db, t.clock.now());
    await continueRuns({ db: t.tdb.db, notifier: t.gw.notifier, config: t.gw.config }, t.clock.now());
    const spaced = (await texts(c.id)).map((r) => r.not_before.getTime() - t.clock.now().getTime());
    expect(spaced).toEqual([0, 1000, 2000]); // one a second
    await drain();
    expect((await texts(c.id)).map((r) => r.status)).toEqual(['sent', 'queued', 'queued']);

    expect((await controlCampaign(t.tdb.db, c.id, 'pause', checker, t.clock.now())).kind).toBe('done');
    t.clock.advance(60_000);
    await drain();
    const paused = await texts(c.id);
    expect(paused.map((r) => r.status)).toEqual(['sent', 'queued', 'queued']);
    expect(paused.slice(1).map((r) => r.not_before)).toEqual([PAUSED_UNTIL, PAUSED_UNTIL]);

    expect(await controlCampaign(t.tdb.db, c.id, 'resume', checker, t.clock.now())).toMatchObject({ kind: 'done', campaign: { status: 'running' } });
    await drain();
    expect((await texts(c.id)).map((r) => r.status)).toEqual(['sent', 'sent', 'queued']);

    // A text a worker put back as paused just after the resume is released by the minute's housekeeping.
    const [, , last] = await texts(c.id);
    await sql`UPDATE outbound_messages SET not_before = ${PAUSED_UNTIL} WHERE id = ${last.id}`.execute(t.tdb.db);
    expect(await settleCampaigns(t.tdb.db, t.clock.now())).toBe(0); // not done: one text left
    expect((await texts(c.id))[2].not_before).toEqual(t.clock.now());

    expect((await controlCampaign(t.tdb.db, c.id, 'cancel', checker, t.clock.now())).kind).toBe('done');
    t.clock.advance(60_000);
    await drain();
    const after = await texts(c.id);
    expect(after.map((r) => [r.status, r.last_error])).toEqual([
      ['sent', null],
      ['sent', null],
      ['blocked', 'campaign cancelled'],
    ]);
    const actions = await t.tdb.db.selectFrom('audit_log').select('action').where('subject', '=', `campaign:${c.id}`).orderBy('id').execute();
    expect(actions.map((a) => a.action)).toEqual(['campaign.create', 'campaign.approve', 'campaign.pause', 'campaign.resume', 'campaign.cancel']);
  });

  it('holds back texts a worker had claimed when the pause came, and blocks them after a cancel', async () => {
    const c = await approved();
    t.clock.advance(10 * 60_000);
    await startDueCampaigns(t.tdb.db, t.clock.now());
    await continueRuns({ db: t.tdb.db, notifier: t.gw.notifier, config: t.gw.config }, t.clock.now());
    const claim = () => claimDue(t.tdb.db, { batch: 10, leaseMs: 60_000, now: t.clock.now(), minPriority: 30, maxPriority: 100 });
    const rows = await claim();
    expect(rows).toHaveLength(3);
    await controlCampaign(t.tdb.db, c.id, 'pause', checker, t.clock.now());
    const finals: Parameters<typeof admit>[5] = [];
    const requeues: Parameters<typeof admit>[6] = [];
    const ready = await admit(t.tdb.db, rows, t.clock.now(), DISPATCHER_DEFAULTS, new DestinationWindow(20), finals, requeues);
    expect(ready).toEqual([]);
    expect(requeues.map((r) => r.notBefore)).toEqual([PAUSED_UNTIL, PAUSED_UNTIL, PAUSED_UNTIL]);
    await controlCampaign(t.tdb.db, c.id, 'cancel', checker, t.clock.now());
    const finals2: Parameters<typeof admit>[5] = [];
    expect(await admit(t.tdb.db, rows, t.clock.now(), DISPATCHER_DEFAULTS, new DestinationWindow(20), finals2, [])).toEqual([]);
    expect(finals2.map((f) => [f.status, f.reason])).toEqual(Array(3).fill(['blocked', 'campaign cancelled']));
  });
});

describe('STOP mid-campaign', () => {
  it('stops the rest for that customer at once; the others go on', async () => {
    const c = await approved({ ratePerSecond: 1 });
    t.clock.advance(10 * 60_000);
    await startDueCampaigns(t.tdb.db, t.clock.now());
    await continueRuns({ db: t.tdb.db, notifier: t.gw.notifier, config: t.gw.config }, t.clock.now());
    await drain(); // the first text goes
    const [, , third] = await texts(c.id);
    expect(await t.sms(third.to_number, 'STOP')).toHaveLength(1); // the confirmation
    expect((await texts(c.id))[2]).toMatchObject({ status: 'blocked', last_error: 'opted out (STOP/TD)' });
    t.clock.advance(5_000);
    await drain();
    expect((await texts(c.id)).map((r) => r.status)).toEqual(['sent', 'sent', 'blocked']);
    expect(t.gw.dev.delivered.filter((d) => d.to === third.to_number).map((d) => d.body)).not.toContainEqual(expect.stringContaining('JOIN GALA27'));
  });
});

describe('a crash mid-materialisation', () => {
  it('resumes with the slices left open, and even done again from the start adds no one twice', async () => {
    await addCustomers(
      t.tdb.db,
      Array.from({ length: 20 }, (_, i) => ({ id: `bulk-${i}`, city: 'Qingdao', locale: 'en' as const })),
    );
    const c = await approved();
    t.clock.advance(10 * 60_000);
    await startDueCampaigns(t.tdb.db, t.clock.now());
    const ctx = { db: t.tdb.db, notifier: t.gw.notifier, config: t.gw.config };
    // The first process cuts the run into slices of 5 customer ids, materialises one, then dies:
    // the slice's texts and its done mark committed together.
    const run = await t.tdb.db.selectFrom('campaign_runs').selectAll().where('campaign_id', '=', c.id).executeTakeFirstOrThrow();
    const { materialiseSlice, sliceRun } = await import('../../../../src/core/campaigns/materialise');
    const lines = { en: 'Reply STOP to opt out', 'zh-CN': '回复TD退订', 'zh-HK': '回覆TD退訂' } as const;
    expect(await sliceRun(t.tdb.db, run.id, 5)).toBeGreaterThan(4);
    expect(await materialiseSlice(t.tdb.db, run.id, { lines, weeklyCap: 2, now: t.clock.now() })).toMatchObject({ kind: 'done' });
    const open = () =>
      t.tdb.db
        .selectFrom('campaign_run_slices')
        .select(sql<number>`count(*)::int`.as('n'))
        .where('run_id', '=', run.id)
        .where('done_at', 'is', null)
        .executeTakeFirstOrThrow();
    expect((await open()).n).toBeGreaterThan(3);
    expect(await t.tdb.db.selectFrom('campaign_runs').select('finished_at').where('id', '=', run.id).executeTakeFirstOrThrow()).toEqual({ finished_at: null });
    // Another process resumes.
    await continueRuns(ctx, t.clock.now(), 7);
    expect((await open()).n).toBe(0);
    const first = await texts(c.id);
    expect(first).toHaveLength(23);
    expect(new Set(first.map((r) => r.customer_id)).size).toBe(23);
    // Even a run done again from the first customer adds nothing.
    await sql`UPDATE campaign_run_slices SET done_at = NULL WHERE run_id = ${run.id}`.execute(t.tdb.db);
    await sql`UPDATE campaign_runs SET finished_at = NULL WHERE id = ${run.id}`.execute(t.tdb.db);
    await continueRuns(ctx, t.clock.now(), 7);
    expect(await texts(c.id)).toHaveLength(23);
    const recipients = await t.tdb.db
      .selectFrom('campaign_recipients')
      .select(sql<number>`count(*)::int`.as('n'))
      .executeTakeFirstOrThrow();
    expect(recipients.n).toBe(23);
    const seqs = await t.tdb.db.selectFrom('campaign_recipients').select('seq').orderBy('seq').execute();
    expect(seqs.map((s) => s.seq)).toEqual(Array.from({ length: 23 }, (_, i) => i + 1));
  });
});
