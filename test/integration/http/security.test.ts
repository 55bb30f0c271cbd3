import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { sql } from 'kysely';
import { addStaff, disableStaff } from '../../../src/domain/staff';
import { GOLF_EVENT } from '../../fixtures/event';
import { testGateway, type TestGateway } from '../../helpers/gateway';
import { captureLog, type CapturedLog } from '../../helpers/log';

// The HTTP surface as a prober sees it: headers, metrics, refused tokens and what the log keeps of
// them, forged addresses, audited reads, and bounded fields.

const METRICS = '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08';
const CARD_SYSTEM = '2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae';
let t: TestGateway;
let base: string;
let captured: CapturedLog;
const tokens: Record<string, string> = {};

beforeAll(async () => {
  captured = captureLog('info');
  t = await testGateway({ log: captured.log, env: { METRICS_TOKEN: METRICS, CARD_SYSTEM_TOKEN: CARD_SYSTEM } });
  base = `http://127.0.0.1:${await t.gw.start(0)}`;
  for (const role of ['agent', 'marketing', 'supervisor'] as const) {
    tokens[role] = (await addStaff(t.tdb.db, { externalId: `S-${role}`, name: role, role, locale: 'en' }, t.clock.now())).token;
  }
});
afterAll(async () => {
  await t.close();
});

async function call(method: string, path: string, token?: string, body?: unknown, headers: Record<string, string> = {}, at = base) {
  const res = await fetch(`${at}${path}`, {
    method,
    headers: { ...headers, ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, text, body: (res.headers.get('content-type')?.includes('json') ? JSON.parse(text) : null) as any };
}

const logged = (msg: string) => captured.lines().filter((l) => l.msg === msg);

describe('headers', () => {
  it.each(['/healthz', '/api/registrations', '/nope'])('%s carries helmet headers and Cache-Control: no-store', async (path) => {
    const r = await call('GET', path);
    expect(r.headers.get('cache-control')).toBe('no-store');
    expect(r.headers.get('x-content-type-options')).toBe('nosniff');
    expect(r.headers.get('strict-transport-security')).toMatch(/max-age=/);
    expect(r.headers.get('content-security-policy')).toMatch(/default-src 'self'/);
    expect(r.headers.get('x-powered-by')).toBeNull();
  });
});

describe('/metrics', () => {
  it('answers only with METRICS_TOKEN', async () => {
    expect((await call('GET', '/metrics')).status).toBe(401);
    expect((await call('GET', '/metrics', 'wrong-token')).status).toBe(401);
    const ok = await call('GET', '/metrics', METRICS);
    expect(ok.status).toBe(200);
    expect(ok.text).toContain('uplink_outbound_total');
  });

  it('is off in production without a token, and open outside production without one; so is the dev channel, whatever DEV_CHANNEL says', async () => {
    const strong = '5e884898da28047151d0e56f8dc6292773603d0d6aabbdd62a11ef721d1542d8';
    for (const [env, status] of [
      [{ NODE_ENV: 'production', CARD_HASH_SECRET: strong, DEV_CHANNEL: 'true' }, 404],
      [{ DEV_CHANNEL: 'true' }, 200],
    ] as const) {
      const other = await testGateway({ env });
      try {
        const at = `http://127.0.0.1:${await other.gw.start(0)}`;
        expect((await call('GET', '/metrics', undefined, undefined, {}, at)).status).toBe(status);
        expect((await call('POST', '/dev/sms', undefined, { from: '13800138000', text: 'BAL' }, {}, at)).status).toBe(status);
      } finally {
        await other.close();
      }
    }
  });
});

describe('refused tokens', () => {
  it('logs a 401 with route, source and reason, never the token, and answers every reason alike', async () => {
    const unknown = 'upl_0000000000000000000000000000000000000000000';
    const expired = (await addStaff(t.tdb.db, { externalId: 'S-old', name: 'old', role: 'agent' }, new Date(t.clock.now().getTime() - 91 * 86_400_000))).token;
    const disabled = (await addStaff(t.tdb.db, { externalId: 'S-gone', name: 'gone', role: 'agent' }, t.clock.now())).token;
    await disableStaff(t.tdb.db, 'S-gone');
    const before = logged('staff API: token refused (401)').length;
    const bodies = [];
    for (const token of [undefined, 'not a token!', unknown, expired, disabled]) {
      const r = await call('GET', '/api/registrations?status=pending', token);
      expect(r.status).toBe(401);
      bodies.push(r.body);
    }
    expect(new Set(bodies.map((b) => JSON.stringify(b))).size).toBe(1);
    const lines = logged('staff API: token refused (401)').slice(before);
    expect(lines.map((l) => l.reason)).toEqual(['missing', 'malformed', 'unknown', 'expired', 'unknown']);
    for (const l of lines) expect(l).toMatchObject({ route: 'GET /api/registrations', ip: expect.stringMatching(/127\.0\.0\.1/) });
    for (const secret of [unknown, expired, disabled]) expect(captured.text()).not.toContain(secret);
  });

  it('logs a 403 with the staff member and role, and names no allowed role in the answer', async () => {
    const r = await call('GET', '/api/audit', tokens.agent);
    expect(r.status).toBe(403);
    expect(r.body).toEqual({ type: 'about:blank', title: 'Forbidden', status: 403 });
    expect(logged('staff API: role refused (403)').at(-1)).toMatchObject({ route: 'GET /api/audit', staff: 'S-agent', role: 'agent' });
  });

  it("logs the card system's refused token too", async () => {
    expect((await call('POST', '/api/transactions', 'wrong', {})).status).toBe(401);
    expect(logged('card system: token refused (401)').at(-1)).toMatchObject({ route: 'POST /api/transactions' });
    expect(captured.text()).not.toContain(CARD_SYSTEM);
  });

  it('records when a token was last used, to the minute', async () => {
    const row = () => t.tdb.db.selectFrom('staff').select('last_used_at').where('external_id', '=', 'S-marketing').executeTakeFirstOrThrow();
    expect(await row()).toEqual({ last_used_at: null });
    await call('GET', '/api/events', tokens.marketing);
    const first = (await row()).last_used_at;
    expect(first).toEqual(t.clock.now());
    t.clock.advance(30_000);
    await call('GET', '/api/events', tokens.marketing);
    expect((await row()).last_used_at).toEqual(first);
    t.clock.advance(31_000);
    await call('GET', '/api/events', tokens.marketing);
    expect((await row()).last_used_at).toEqual(t.clock.now());
  });
});

describe('X-Forwarded-For', () => {
  it('is ignored unless the peer is one of TRUSTED_PROXIES', async () => {
    const forged = { 'x-forwarded-for': '203.0.113.9' };
    await call('GET', '/api/cases', undefined, undefined, forged);
    expect(logged('staff API: token refused (401)').at(-1)?.ip).toMatch(/127\.0\.0\.1/);
    const behind = captureLog('info');
    const proxied = await testGateway({ env: { TRUSTED_PROXIES: 'loopback' }, log: behind.log });
    try {
      await call('GET', '/api/cases', undefined, undefined, forged, `http://127.0.0.1:${await proxied.gw.start(0)}`);
      expect(behind.lines().find((l) => l.msg === 'staff API: token refused (401)')?.ip).toBe('203.0.113.9');
    } finally {
      await proxied.close();
    }
  });
});

describe('staff reads of customer data', () => {
  it('are audited: conversation history (found or not), registrations, cases, the audit trail', async () => {
    const staffId = String((await t.tdb.db.selectFrom('staff').select('id').where('external_id', '=', 'S-supervisor').executeTakeFirstOrThrow()).id);
    expect((await call('GET', '/api/customers/C-1001/messages', tokens.supervisor)).status).toBe(200);
    expect((await call('GET', '/api/customers/C-9999/messages', tokens.supervisor)).status).toBe(404);
    expect((await call('GET', '/api/registrations', tokens.supervisor)).status).toBe(200);
    expect((await call('GET', '/api/cases?status=open', tokens.supervisor)).status).toBe(200);
    expect((await call('GET', '/api/audit?actorType=customer', tokens.supervisor)).status).toBe(200);
    const reads = await t.tdb.db
      .selectFrom('audit_log')
      .select(['actor_type', 'actor_id', 'action', 'subject', 'details'])
      .where('actor_id', '=', staffId)
      .orderBy('id')
      .execute();
    expect(reads).toEqual([
      { actor_type: 'staff', actor_id: staffId, action: 'customer.messages.read', subject: 'customer:C-1001', details: { found: true, count: 0 } },
      { actor_type: 'staff', actor_id: staffId, action: 'customer.messages.read', subject: 'customer:C-9999', details: { found: false, count: 0 } },
      { actor_type: 'staff', actor_id: staffId, action: 'registrations.read', subject: null, details: { query: { limit: 50 }, count: 0 } },
      { actor_type: 'staff', actor_id: staffId, action: 'cases.read', subject: null, details: { query: { status: 'open', limit: 50 }, count: 0 } },
      { actor_type: 'staff', actor_id: staffId, action: 'audit.read', subject: null, details: { query: { actorType: 'customer', limit: 50 }, count: 0 } },
    ]);
  });

  it('leave an audit trail nobody can change: UPDATE, DELETE and TRUNCATE are refused by the database', async () => {
    const db = t.tdb.db;
    await expect(db.updateTable('audit_log').set({ action: 'x' }).execute()).rejects.toThrow(/audit_log is append-only: UPDATE refused/);
    await expect(db.deleteFrom('audit_log').execute()).rejects.toThrow(/audit_log is append-only: DELETE refused/);
    await expect(sql`TRUNCATE audit_log`.execute(db)).rejects.toThrow(/TRUNCATE refused/);
    expect((await db.selectFrom('audit_log').select('id').execute()).length).toBeGreaterThan(0);
  });
});

describe('bounded fields: 400 naming the field, never 500', () => {
  const event = GOLF_EVENT;
  it.each([
    ['capacity', { capacity: 1e11 }],
    ['title.en', { title: { ...event.title, en: 'Gala '.repeat(100) } }],
    ['title.zh-CN', { title: { ...event.title, 'zh-CN': '晚宴'.repeat(100) } }],
    ['venue', { venue: 'Hall '.repeat(200) }],
    ['eligibleProducts', { eligibleProducts: new Array(50).fill('PLAT') }],
  ])('POST /api/events: %s', async (path, change) => {
    const r = await call('POST', '/api/events', tokens.marketing, { ...event, ...change });
    expect(r.status).toBe(400);
    expect(r.body.errors.map((e: { path: string }) => e.path)).toEqual([path]);
  });

  it('POST /api/events accepts the good event next to them', async () => {
    expect((await call('POST', '/api/events', tokens.marketing, event)).status).toBe(201);
  });

  const tx = { transactionId: 'TX-B', cardId: 'K-1001', amount: 100, currency: 'CNY', merchant: 'Shop', occurredAt: '2026-11-28T10:00:00+08:00' };
  it.each([
    ['amount', { amount: 1e13 }],
    ['merchant', { merchant: 'M'.repeat(500) }],
  ])('POST /api/transactions: %s', async (path, change) => {
    const r = await call('POST', '/api/transactions', CARD_SYSTEM, { ...tx, ...change });
    expect(r.status).toBe(400);
    expect(r.body.errors.map((e: { path: string }) => e.path)).toEqual([path]);
  });
});
