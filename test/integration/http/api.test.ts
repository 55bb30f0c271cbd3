import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { addStaff } from '../../../src/domain/staff';
import { GOLF_EVENT } from '../../fixtures/event';
import { testGateway, type TestGateway } from '../../helpers/gateway';

let t: TestGateway;
let base: string;
const tokens: Record<string, string> = {};

beforeAll(async () => {
  t = await testGateway();
  base = `http://127.0.0.1:${await t.gw.start(0)}`;
  for (const role of ['agent', 'marketing', 'supervisor'] as const) {
    tokens[role] = (await addStaff(t.tdb.db, { externalId: `T-${role}`, name: `Test ${role}`, role, locale: 'en' })).token;
  }
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
  return { status: res.status, type: res.headers.get('content-type') ?? '', body: (await res.json()) as any };
}

async function joinRef(from: string) {
  const reply = (await t.sms(from, 'JOIN HC2026'))[0];
  return /(\d{6})/.exec(reply)![1];
}

describe('authentication and roles', () => {
  it('answers a missing, malformed and unknown token with the same 401', async () => {
    const none = await call('GET', '/api/registrations');
    const malformed = await call('GET', '/api/registrations', 'not a token!');
    const unknown = await call('GET', '/api/registrations', 'upl_0000000000000000000000000000000000000000000');
    for (const r of [none, malformed, unknown]) {
      expect(r.status).toBe(401);
      expect(r.type).toMatch(/problem\+json/);
      expect(r.body.title).toBe('Missing or invalid token');
    }
  });

  it('refuses a staff token with the wrong role, naming no role that would be allowed', async () => {
    const r = await call('POST', '/api/registrations/123456/confirm', tokens.marketing, {});
    expect(r.status).toBe(403);
    expect(r.body).toEqual({ type: 'about:blank', title: 'Forbidden', status: 403 });
    expect((await call('GET', '/api/audit', tokens.agent)).status).toBe(403);
  });

  it('stores only a hash of each token', async () => {
    const rows = await t.tdb.db.selectFrom('staff').select('token_hash').where('external_id', 'like', 'T-%').execute();
    for (const r of rows) expect(r.token_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(rows.map((r) => r.token_hash)).not.toContain(tokens.agent);
  });
});

describe('registrations', () => {
  it('lists pending sign-ups and confirms one; the second confirm is a conflict', async () => {
    const ref = await joinRef('+8613800138000');
    const list = await call('GET', '/api/registrations?status=pending', tokens.agent);
    expect(list.status).toBe(200);
    expect(list.body.registrations).toEqual([expect.objectContaining({ ref, status: 'pending', event: 'HC2026', customer: 'C-1001', tier: 'platinum' })]);
    expect(await call('POST', `/api/registrations/${ref}/confirm`, tokens.agent, {})).toMatchObject({
      status: 200,
      body: { ref, status: 'confirmed', event: 'HC2026' },
    });
    expect(await call('POST', `/api/registrations/${ref}/confirm`, tokens.supervisor, {})).toMatchObject({
      status: 409,
      body: { title: 'Registration is confirmed' },
    });
    await t.settle();
    expect(t.gw.dev.delivered.at(-1)?.body).toMatch(/^报名成功：持卡人周年健康体检/);
  });

  it('declines with a reason, and validates the body', async () => {
    const ref = await joinRef('+85291234567');
    const bad = await call('POST', `/api/registrations/${ref}/decline`, tokens.agent, { reason: '', extra: 1 });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: any) => e.path).sort()).toEqual(['(document)', 'reason']);
    const ok = await call('POST', `/api/registrations/${ref}/decline`, tokens.agent, { reason: 'Event full for gold' });
    expect(ok).toMatchObject({ status: 200, body: { status: 'declined' } });
    expect(await call('POST', '/api/registrations/999999/decline', tokens.agent, {})).toMatchObject({ status: 404 });
    expect(await call('GET', '/api/registrations?status=bogus', tokens.agent)).toMatchObject({ status: 400 });
  });
});

describe('cases', () => {
  it('lets an agent list, claim, note and resolve a retention case; the outcome is kept', async () => {
    await t.sms('+16465550123', 'CLOSE');
    const open = await call('GET', '/api/cases?status=open&kind=retention', tokens.agent);
    const ref = open.body.cases[0].ref;
    expect(open.body.cases[0]).toMatchObject({ kind: 'retention', customer: 'C-1003', offer: 'rate_review' });
    expect(await call('POST', `/api/cases/${ref}/claim`, tokens.agent, {})).toMatchObject({ status: 200, body: { status: 'claimed' } });
    expect(await call('POST', `/api/cases/${ref}/claim`, tokens.supervisor, {})).toMatchObject({ status: 409, body: { title: 'Case is claimed' } });
    const noted = await call('POST', `/api/cases/${ref}/notes`, tokens.agent, { note: 'Called back, offered rate review' });
    expect(noted.body.notes).toEqual([expect.objectContaining({ note: 'Called back, offered rate review', staff: 'T-agent' })]);
    expect(await call('POST', `/api/cases/${ref}/resolve`, tokens.agent, {})).toMatchObject({ status: 400 });
    expect(await call('POST', `/api/cases/${ref}/resolve`, tokens.agent, { outcome: 'retained: accepted lower rate' })).toMatchObject({
      status: 200,
      body: { status: 'resolved', outcome: 'retained: accepted lower rate' },
    });
    expect(await call('POST', `/api/cases/${ref}/resolve`, tokens.agent, { outcome: 'again' })).toMatchObject({ status: 409 });
    expect(await call('POST', '/api/cases/C000000/claim', tokens.agent, {})).toMatchObject({ status: 404 });
  });
});

describe('history, audit, events', () => {
  it('gives a customer conversation both ways with status', async () => {
    t.clock.advance(60_000);
    await t.sms('+16465550123', 'PTS');
    const r = await call('GET', '/api/customers/C-1003/messages?limit=4', tokens.agent);
    expect(r.status).toBe(200);
    expect(r.body.messages.slice(0, 2)).toEqual([
      expect.objectContaining({ direction: 'out', text: 'You have 3,150 reward points (as of Nov 27, 2026, 9:30 PM).', status: 'sent' }),
      expect.objectContaining({ direction: 'in', text: 'PTS', status: 'processed', detail: 'points' }),
    ]);
    expect((await call('GET', '/api/customers/NOPE/messages', tokens.agent)).status).toBe(404);
  });

  it('lets a supervisor query the audit trail of staff actions', async () => {
    const r = await call('GET', '/api/audit?actorType=staff&action=registration', tokens.supervisor);
    expect(r.status).toBe(200);
    expect(r.body.entries.map((e: any) => `${e.action} ${e.channel}`)).toEqual(
      expect.arrayContaining(['registration.confirm api', 'registration.decline api']),
    );
  });

  it('lets marketing create an event and refuses a bad one field by field', async () => {
    const event = { ...GOLF_EVENT, eligibleTiers: ['platinum'] };
    expect(await call('POST', '/api/events', tokens.marketing, event)).toMatchObject({ status: 201, body: { code: 'GOLF27', capacity: 20 } });
    const bad = await call('POST', '/api/events', tokens.marketing, { ...event, code: 'golf 27', capacity: -1 });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: any) => e.path)).toEqual(['code', 'capacity']);
    expect((await call('POST', '/api/events', tokens.agent, event)).status).toBe(403);
  });
});
