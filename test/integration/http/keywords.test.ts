import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { addStaff } from '../../../src/domain/staff';
import { testGateway, type TestGateway } from '../../helpers/gateway';

const LI = '13800138000'; // platinum, zh-CN
const JOHN = '+16465550123'; // standard, en
const CHAN = '+85291234567'; // gold, zh-HK

let t: TestGateway;
let base: string;
const tokens: Record<string, string> = {};
beforeAll(async () => {
  t = await testGateway();
  base = `http://127.0.0.1:${await t.gw.start(0)}`;
  for (const role of ['agent', 'marketing', 'supervisor'] as const)
    tokens[role] = (await addStaff(t.tdb.db, { externalId: `T-${role}`, name: `Test ${role}`, role, locale: 'en' })).token;
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
  return { status: res.status, type: res.headers.get('content-type') ?? '', body: text ? (JSON.parse(text) as any) : null };
}

const hotline = {
  keyword: 'hotline',
  aliases: ['热线', '熱線'],
  replies: {
    en: { default: 'Our hotline is 400-820-8888, 24 hours.', platinum: 'Your platinum line is 400-820-8000.' },
    'zh-CN': { default: '客服热线400-820-8888，24小时。', platinum: '白金专线400-820-8000。' },
    'zh-HK': { default: '客服熱線400-820-8888，24小時。' },
  },
};

describe('staff-defined information keywords', () => {
  it('a keyword created by the API is answered at once, per language and tier', async () => {
    expect((await t.sms(JOHN, 'HOTLINE'))[0]).toMatch(/did not understand/);
    const created = await call('POST', '/api/keywords', tokens.marketing, hotline);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ keyword: 'HOTLINE', aliases: ['热线', '熱線'] });
    expect(await t.sms(JOHN, 'hotline')).toEqual(['Our hotline is 400-820-8888, 24 hours.']);
    expect(await t.sms(LI, '热线')).toEqual(['白金专线400-820-8000。']);
    expect(await t.sms(CHAN, '熱線?')).toEqual(['客服熱線400-820-8888，24小時。']);
    const audit = await t.tdb.db.selectFrom('inbound_messages').select('command').where('text', '=', 'hotline').executeTakeFirstOrThrow();
    expect(audit.command).toBe('info'); // not among the texts not understood
  });

  it('refuses a keyword that would shadow STOP, a built-in keyword or phrasing, with the reason', async () => {
    const stop = await call('POST', '/api/keywords', tokens.supervisor, { ...hotline, keyword: 'STOP', aliases: [] });
    expect(stop.status).toBe(409);
    expect(stop.type).toMatch(/problem\+json/);
    expect(stop.body).toMatchObject({ keyword: 'STOP', reason: 'STOP is a carrier keyword (opt-out, opt-in or help)' });
    const td = await call('POST', '/api/keywords', tokens.supervisor, { ...hotline, keyword: 'offers', aliases: ['td'] });
    expect(td.body).toMatchObject({ keyword: 'TD', reason: expect.stringMatching(/carrier keyword/) });
    const bal = await call('POST', '/api/keywords', tokens.supervisor, { ...hotline, keyword: '余额', aliases: [] });
    expect(bal.body).toMatchObject({ status: 409, reason: '余额 is a keyword of the built-in service balance' });
    const phrasing = await call('POST', '/api/keywords', tokens.supervisor, { ...hotline, keyword: 'statement', aliases: [] });
    expect(phrasing.body).toMatchObject({ status: 409, reason: 'STATEMENT is read as the built-in service bill' });
    const taken = await call('POST', '/api/keywords', tokens.supervisor, { ...hotline, keyword: 'CALLUS', aliases: ['HOTLINE'] });
    expect(taken.body).toMatchObject({ status: 409, reason: 'already a word of staff keyword HOTLINE' });
    expect((await t.sms(JOHN, 'STOP'))[0]).not.toMatch(/hotline/i);
  });

  it('answers bad input with each field, and wrong roles with 403', async () => {
    const bad = await call('POST', '/api/keywords', tokens.marketing, { keyword: 'two words', replies: { en: { default: '' } }, validFrom: 'soon' });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: any) => e.path).sort()).toEqual(expect.arrayContaining(['keyword', 'replies.en.default', 'replies.zh-CN', 'validFrom']));
    expect((await call('POST', '/api/keywords', tokens.agent, hotline)).status).toBe(403);
  });

  it('is live only between valid from and to, and gone once deleted', async () => {
    const later = { ...hotline, keyword: 'BRANCHES', aliases: [], validFrom: '2026-12-01T00:00:00Z', validTo: '2026-12-31T00:00:00Z' };
    expect((await call('POST', '/api/keywords', tokens.marketing, later)).status).toBe(201);
    expect((await t.sms(JOHN, 'BRANCHES'))[0]).toMatch(/did not understand/);
    t.clock.advance(4 * 86_400_000);
    expect(await t.sms(JOHN, 'BRANCHES')).toEqual(['Our hotline is 400-820-8888, 24 hours.']);
    expect((await call('DELETE', '/api/keywords/branches', tokens.marketing)).status).toBe(204);
    expect((await call('DELETE', '/api/keywords/branches', tokens.marketing)).status).toBe(404);
    expect((await t.sms(JOHN, 'BRANCHES'))[0]).toMatch(/did not understand/);
  });
});

describe('satisfaction survey', () => {
  it('a resolved case asks its customer to rate it; the answer is kept as the agent quality score', async () => {
    const [opened] = await t.sms(JOHN, 'CALLME');
    const ref = /case (C\d{6})/.exec(opened)![1];
    expect((await call('POST', `/api/cases/${ref}/claim`, tokens.agent, {})).status).toBe(200);
    expect((await call('POST', `/api/cases/${ref}/resolve`, tokens.agent, { outcome: 'Called back' })).status).toBe(200);
    await t.settle();
    const asked = t.gw.dev.delivered.filter((d) => d.to === JOHN).at(-1)!.body;
    expect(asked).toBe(`Your case ${ref} is resolved. How did we do? Reply 1 (poor) to 5 (excellent).`);
    expect(await t.sms(JOHN, '4')).toEqual([`Thank you for rating case ${ref}: 4/5.`]);
    const c = await t.tdb.db
      .selectFrom('cases')
      .innerJoin('staff', 'staff.id', 'cases.assigned_to')
      .select(['survey_score', 'staff.external_id'])
      .where('ref', '=', ref)
      .executeTakeFirstOrThrow();
    expect(c).toEqual({ survey_score: 4, external_id: 'T-agent' });
    expect(await t.sms(JOHN, '5')).toEqual(['There is no service to rate just now.']);
  });
});
