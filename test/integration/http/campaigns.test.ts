import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { sql } from 'kysely';
import { continueRuns, startDueCampaigns } from '../../../src/core/campaigns/run';
import { addStaff } from '../../../src/domain/staff';
import { addCustomers } from '../../helpers/campaign-data';
import { waitFor } from '../../helpers/wait';
import { TestClock, testGateway, type TestGateway } from '../../helpers/gateway';

let t: TestGateway;
let base: string;
const tokens: Record<string, string> = {};
const AUTHOR_PHONE = '+8613600136001';

beforeAll(async () => {
  // 10:00 in Shanghai.
  t = await testGateway({ clock: new TestClock(new Date('2026-12-01T02:00:00Z')) });
  base = `http://127.0.0.1:${await t.gw.start(0)}`;
  tokens.maker = (await addStaff(t.tdb.db, { externalId: 'MK-1', name: 'Maker', role: 'marketing', mobile: AUTHOR_PHONE, locale: 'en' })).token;
  tokens.other = (await addStaff(t.tdb.db, { externalId: 'MK-2', name: 'Other marketer', role: 'marketing', locale: 'en' })).token;
  tokens.supervisor = (await addStaff(t.tdb.db, { externalId: 'SV-1', name: 'Supervisor', role: 'supervisor', locale: 'en' })).token;
  tokens.agent = (await addStaff(t.tdb.db, { externalId: 'AG-1', name: 'Agent', role: 'agent', locale: 'en' })).token;
  await addCustomers(t.tdb.db, [
    { id: 'w-en', locale: 'en', name: 'Amy', city: 'Wuxi', tier: 'gold', points: 2500 },
    { id: 'w-cn', locale: 'zh-CN', name: '张三', city: 'Wuxi', points: 10 },
    { id: 'w-hk', locale: 'zh-HK', name: '陳大文', city: 'Wuxi', points: 0 },
    { id: 'w-off', locale: 'en', city: 'Wuxi', consent: false },
  ]);
});
afterAll(async () => {
  await t.close();
});

async function call(method: string, path: string, token?: string, body?: unknown) {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  const type = res.headers.get('content-type') ?? '';
  return { status: res.status, type, text, body: type.includes('json') ? (JSON.parse(text) as any) : null };
}

const GALA = {
  name: 'Winter gala',
  purpose: 'Invite Wuxi cardholders to the gala',
  messages: {
    en: '{tier, select, gold {Dear {name}} other {Hi {name}}}, you have {points, number} points. Reply {keyword} to join',
    'zh-CN': '{name}您好，回复{keyword}报名冬季晚会',
    'zh-HK': '{name}你好，回覆{keyword}報名冬季晚會',
  },
  audience: { cities: ['Wuxi'] },
  schedule: { kind: 'once', at: '2026-12-01T10:30', timeZone: 'Asia/Shanghai' },
  ratePerSecond: 100,
  validityMinutes: 240,
  promotedKeyword: 'JOIN GALA27',
};

describe('who may use it', () => {
  it('refuses a missing token (401) and an agent (403), as problem+json', async () => {
    expect((await call('GET', '/api/campaigns')).status).toBe(401);
    const agent = await call('POST', '/api/campaigns', tokens.agent, GALA);
    expect(agent.status).toBe(403);
    expect(agent.type).toMatch(/problem\+json/);
  });
});

describe('a campaign from creation to report', () => {
  let id: number;

  it('refuses a bad campaign, naming each field', async () => {
    const r = await call('POST', '/api/campaigns', tokens.maker, {
      ...GALA,
      messages: { en: 'Hi {nickname}', fr: 'Bonjour' },
      schedule: { kind: 'once', at: '2026-12-01T10:30', timeZone: 'Mars/Base' },
      ratePerSecond: 0,
    });
    expect(r.status).toBe(400);
    expect(r.type).toMatch(/problem\+json/);
    const paths = r.body.errors.map((e: any) => e.path);
    expect(paths).toEqual(expect.arrayContaining(['messages.en', 'schedule.timeZone', 'ratePerSecond']));
    expect(r.body.errors.find((e: any) => e.path === 'messages.en').message).toMatch(/unknown field \{nickname\}/);
  });

  it('creates a draft', async () => {
    const r = await call('POST', '/api/campaigns', tokens.maker, GALA);
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ status: 'draft', version: 1, promotedKeyword: 'JOIN GALA27', approvedBy: null });
    id = r.body.id;
    expect((await call('GET', `/api/campaigns/${id}`, tokens.supervisor)).body.name).toBe('Winter gala');
    expect((await call('GET', '/api/campaigns?status=draft', tokens.other)).body.campaigns.map((c: any) => c.id)).toContain(id);
  });

  it('answers 404 for an unknown or malformed id', async () => {
    for (const path of ['/api/campaigns/99999', '/api/campaigns/abc', '/api/campaigns/99999/approve']) {
      const r = await call(path.endsWith('approve') ? 'POST' : 'GET', path, tokens.maker);
      expect([r.status, r.body.title]).toEqual([404, 'No such campaign']);
    }
  });

  it('counts the audience with exclusions by reason and a sample', async () => {
    const r = await call('GET', `/api/campaigns/${id}/audience`, tokens.maker);
    expect(r.status).toBe(200);
    expect(r.body.count).toBe(3);
    expect(r.body.excluded).toEqual({ opted_out: 0, no_consent: 1, no_reachable_number: 0, weekly_cap: 0 });
    expect(r.body.sample.map((s: any) => s.customer).sort()).toEqual(['w-cn', 'w-en', 'w-hk']);
  });

  it('previews every language with encoding, segments, the opt-out line and the total cost', async () => {
    const r = await call('GET', `/api/campaigns/${id}/preview`, tokens.maker);
    expect(r.status).toBe(200);
    const en = r.body.languages.find((l: any) => l.language === 'en');
    expect(en).toMatchObject({
      text: 'Dear Amy, you have 2,500 points. Reply JOIN GALA27 to join\nReply STOP to opt out',
      encoding: 'GSM-7',
      segments: 1,
      optOutLine: 'Reply STOP to opt out',
      sampleCustomer: 'w-en',
    });
    expect(en.characters).toBe(en.text.length);
    const cn = r.body.languages.find((l: any) => l.language === 'zh-CN');
    expect(cn).toMatchObject({ text: '张三您好，回复JOIN GALA27报名冬季晚会\n回复TD退订', encoding: 'UCS-2', segments: 1, optOutLine: '回复TD退订' });
    expect(r.body.languages.find((l: any) => l.language === 'zh-HK').text).toBe('陳大文你好，回覆JOIN GALA27報名冬季晚會\n回覆TD退訂');
    expect(r.body).toMatchObject({ recipients: 3, totalSegments: 3 });
  });

  it('test-sends each language to the author’s staff phone', async () => {
    const r = await call('POST', `/api/campaigns/${id}/test-send`, tokens.other);
    expect(r.status).toBe(202);
    const rows = await t.tdb.db.selectFrom('outbound_messages').select(['body', 'class']).where('to_number', '=', AUTHOR_PHONE).execute();
    expect(rows).toHaveLength(3);
    expect(rows.map((x) => x.class)).toEqual(['service', 'service', 'service']);
    expect(rows.map((x) => x.body)).toContain('张三您好，回复JOIN GALA27报名冬季晚会\n回复TD退订');
  });

  it('refuses self-approval; another marketer approves; an edit resets the approval; a supervisor approves again', async () => {
    const self = await call('POST', `/api/campaigns/${id}/approve`, tokens.maker);
    expect([self.status, self.body.title]).toEqual([403, 'A campaign is approved by someone other than its author']);
    const ok = await call('POST', `/api/campaigns/${id}/approve`, tokens.other);
    expect(ok.body).toMatchObject({ status: 'approved', approvedVersion: 1, nextRunAt: '2026-12-01T02:30:00.000Z' });
    expect((await call('POST', `/api/campaigns/${id}/approve`, tokens.supervisor)).status).toBe(409); // already approved
    const stale = await call('PATCH', `/api/campaigns/${id}`, tokens.maker, { version: 7, validityMinutes: 200 });
    expect([stale.status, stale.body.title]).toEqual([409, 'Campaign is at version 1, not 7']);
    const edited = await call('PATCH', `/api/campaigns/${id}`, tokens.maker, { version: 1, validityMinutes: 200 });
    expect(edited.body).toMatchObject({ status: 'draft', version: 2, approvedBy: null, approvedVersion: null, validityMinutes: 200 });
    const badEdit = await call('PATCH', `/api/campaigns/${id}`, tokens.maker, { audience: { tiers: ['diamond'] } });
    expect([badEdit.status, badEdit.body.errors[0].path]).toEqual([400, 'audience.tiers[0]']);
    expect((await call('POST', `/api/campaigns/${id}/resume`, tokens.maker)).status).toBe(409); // a draft cannot resume
    const again = await call('POST', `/api/campaigns/${id}/approve`, tokens.supervisor);
    expect(again.body).toMatchObject({ status: 'approved', approvedVersion: 2 });
    const audit = await t.tdb.db.selectFrom('audit_log').select(['action', 'details']).where('subject', '=', `campaign:${id}`).orderBy('id').execute();
    expect(audit.map((a) => a.action)).toEqual([
      'campaign.create',
      'campaign.audience.read',
      'campaign.test_send',
      'campaign.approve',
      'campaign.update',
      'campaign.approve',
    ]);
    expect(audit[4].details).toMatchObject({ approvalReset: true, version: 2 });
  });

  it('runs, pauses and resumes through the API, and reports in JSON and CSV', async () => {
    t.clock.advance(30 * 60_000); // 10:30
    // Started and queued, not settled: the started gateway's lanes may send every text at once, and a
    // settle pass would then call the campaign done before the test pauses it.
    await startDueCampaigns(t.tdb.db, t.clock.now());
    await continueRuns({ db: t.tdb.db, notifier: t.gw.notifier, config: t.gw.config }, t.clock.now());
    expect((await call('POST', `/api/campaigns/${id}/pause`, tokens.maker)).body.status).toBe('paused');
    expect((await call('PATCH', `/api/campaigns/${id}`, tokens.maker, { name: 'x' })).status).toBe(409);
    expect((await call('POST', `/api/campaigns/${id}/resume`, tokens.supervisor)).body.status).toBe('running');
    const texts = () => t.tdb.db.selectFrom('outbound_messages').select(['id', 'to_number', 'status']).where('campaign_id', '=', id).orderBy('id').execute();
    // The started gateway's own workers send them too: wait until every one is recorded as sent.
    await waitFor('the campaign sent', async () => {
      await t.gw.dispatcher.runOnce();
      return (await texts()).every((x) => x.status === 'sent');
    });
    const sent = await texts();
    expect(sent).toHaveLength(3);
    // One is delivered, one recipient answers with the keyword, one opts out.
    await sql`UPDATE outbound_messages SET status = 'delivered' WHERE id = ${sent[0].id}`.execute(t.tdb.db);
    await t.sms(sent[1].to_number, 'join gala27');
    await t.sms(sent[2].to_number, 'TD');
    const r = await call('GET', `/api/campaigns/${id}/report`, tokens.maker);
    expect(r.body).toMatchObject({
      targeted: 3,
      excluded: { no_consent: 1, opted_out: 0, weekly_cap: 0, no_reachable_number: 0 },
      queued: 3,
      sent: 3,
      delivered: 1,
      failed: 0,
      expired: 0,
      pending: 0,
      replies: 1,
      optOuts: 1,
      perMinute: [{ minute: '2026-12-01T02:30:00.000Z', sent: 3, delivered: 1, failed: 0 }],
    });
    const csv = await call('GET', `/api/campaigns/${id}/report?format=csv`, tokens.maker);
    expect(csv.type).toMatch(/text\/csv/);
    expect(csv.text).toContain('targeted,3\n');
    expect(csv.text).toContain('excluded:no_consent,1\n');
    expect(csv.text).toContain('replies,1\noptOuts,1\n');
    expect(csv.text).toContain('minute,sent,delivered,failed\n2026-12-01T02:30:00.000Z,3,1,0\n');
    expect((await call('GET', `/api/campaigns/${id}/report?format=pdf`, tokens.maker)).status).toBe(400);
    expect((await call('POST', `/api/campaigns/${id}/cancel`, tokens.maker)).body.status).toBe('cancelled');
    expect((await call('POST', `/api/campaigns/${id}/test-send`, tokens.maker)).status).toBe(409);
  });
});
