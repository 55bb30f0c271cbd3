import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { addStaff } from '../../../src/domain/staff';
import { testGateway, type TestGateway } from '../../helpers/gateway';

const JOHN = '+16465550123';
let t: TestGateway;
let base: string;
const tokens: Record<string, string> = {};

beforeAll(async () => {
  t = await testGateway();
  base = `http://127.0.0.1:${await t.gw.start(0)}`;
  for (const role of ['agent', 'supervisor'] as const) {
    tokens[role] = (await addStaff(t.tdb.db, { externalId: `U-${role}`, name: `Test ${role}`, role, locale: 'en' })).token;
  }
  for (const text of ['whats my iban', "What's my IBAN?", 'iban pls', 'BAL', 'meaning of life']) await t.sms(JOHN, text);
  t.clock.advance(3 * 86_400_000);
  await t.sms(JOHN, 'meaning of life!');
});
afterAll(async () => {
  await t.close();
});

async function get(path: string, token?: string) {
  const res = await fetch(`${base}${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  return { status: res.status, type: res.headers.get('content-type') ?? '', body: (await res.json()) as any };
}

describe('GET /api/unknowns', () => {
  it('lists the texts not understood, grouped, most frequent first, to supervisors', async () => {
    const r = await get('/api/unknowns', tokens.supervisor);
    expect(r.status).toBe(200);
    expect(r.body.since).toBe('2026-11-24T02:30:00.000Z'); // 7 days before the test clock
    expect(r.body.texts).toEqual([
      { text: expect.stringMatching(/iban/i), count: 3, lastAt: '2026-11-28T02:30:00.000Z' },
      { text: expect.stringMatching(/^meaning of life!?$/), count: 2, lastAt: '2026-12-01T02:30:00.000Z' },
    ]);
  });

  it('takes since and limit', async () => {
    expect((await get('/api/unknowns?since=1d', tokens.supervisor)).body.texts).toEqual([expect.objectContaining({ count: 1, text: 'meaning of life!' })]);
    expect((await get('/api/unknowns?since=2026-11-01&limit=1', tokens.supervisor)).body.texts).toHaveLength(1);
  });

  it('answers a bad query with the field, and other roles with 403', async () => {
    const bad = await get('/api/unknowns?since=yesterday', tokens.supervisor);
    expect(bad).toMatchObject({ status: 400, type: expect.stringMatching(/problem\+json/), body: { errors: [{ path: 'since' }] } });
    expect((await get('/api/unknowns?limit=0', tokens.supervisor)).body.errors).toEqual([expect.objectContaining({ path: 'limit' })]);
    expect((await get('/api/unknowns?sort=desc', tokens.supervisor)).status).toBe(400);
    expect((await get('/api/unknowns', tokens.agent)).status).toBe(403);
    expect((await get('/api/unknowns')).status).toBe(401);
  });
});
