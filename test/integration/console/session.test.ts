import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { addStaff } from '../../../src/domain/staff';
import { testGateway, type TestGateway } from '../../helpers/gateway';

/** A browser without a browser: a cookie jar over fetch, for what the HTTP exchange itself must show. */
class Client {
  readonly jar = new Map<string, string>();
  setCookies: string[] = [];
  constructor(private readonly base: string) {}
  async req(method: string, path: string, form?: Record<string, string>) {
    const res = await fetch(`${this.base}${path}`, {
      method,
      redirect: 'manual',
      headers: {
        cookie: [...this.jar].map(([k, v]) => `${k}=${v}`).join('; '),
        'accept-language': 'en',
        ...(form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
      },
      body: form ? new URLSearchParams(form).toString() : undefined,
    });
    this.setCookies = res.headers.getSetCookie();
    for (const c of this.setCookies) {
      const [pair] = c.split(';');
      const [name, value] = pair.split('=');
      if (value === '') this.jar.delete(name);
      else this.jar.set(name, value);
    }
    return { status: res.status, location: res.headers.get('location'), text: await res.text(), type: res.headers.get('content-type') ?? '' };
  }
  async signIn(token: string) {
    const page = await this.req('GET', '/console/signin');
    const nonce = /name="_csrf" value="([^"]+)"/.exec(page.text)![1];
    return this.req('POST', '/console/signin', { token, _csrf: nonce });
  }
  /** The session's CSRF token, as a page carries it. */
  async csrf() {
    return /name="_csrf" value="([^"]+)"/.exec((await this.req('GET', '/console/inbox')).text)![1];
  }
}

let t: TestGateway;
let dev: TestGateway;
let base: string;
let devBase: string;
const tokens: Record<string, string> = {};

beforeAll(async () => {
  t = await testGateway({ env: { DEV_CHANNEL: 'false' } });
  base = `http://127.0.0.1:${await t.gw.start(0)}`;
  for (const role of ['agent', 'admin'] as const)
    tokens[role] = (await addStaff(t.tdb.db, { externalId: `T-${role}`, name: `Test ${role}`, role, locale: 'en' })).token;
  dev = await testGateway({ env: { NODE_ENV: 'development' } });
  devBase = `http://127.0.0.1:${await dev.gw.start(0)}`;
  tokens.dev = (await addStaff(dev.tdb.db, { externalId: 'D-1', name: 'Dev admin', role: 'admin', locale: 'en' })).token;
});
afterAll(async () => {
  await t?.close();
  await dev?.close();
});

describe('console sign-in and session over HTTP', () => {
  it('sets the session cookie HttpOnly, SameSite=Strict, Secure; without Secure only in development', async () => {
    const c = new Client(base);
    const signedIn = await c.signIn(tokens.agent);
    expect(signedIn).toMatchObject({ status: 303, location: '/console' });
    expect(c.setCookies[0]).toMatch(/^uplink_console=[A-Za-z0-9_-]{43}; Path=\/console; HttpOnly; SameSite=Strict; Secure$/);
    const d = new Client(devBase);
    await d.signIn(tokens.dev);
    expect(d.setCookies[0]).toMatch(/^uplink_console=[A-Za-z0-9_-]{43}; Path=\/console; HttpOnly; SameSite=Strict$/);
  });

  it('refuses a sign-in form without its own CSRF cookie (another site signing a browser in)', async () => {
    const c = new Client(base);
    const before = await t.tdb.db.selectFrom('console_sessions').select('id_hash').execute();
    const r = await c.req('POST', '/console/signin', { token: tokens.agent, _csrf: 'made-up' });
    expect(r.status).toBe(403);
    expect(r.text).toContain('This form was not sent from this console session.');
    expect(await t.tdb.db.selectFrom('console_sessions').select('id_hash').execute()).toHaveLength(before.length);
  });

  it('ends every session of a staff member whose token is rotated, and of one disabled', async () => {
    const agent = new Client(base);
    await agent.signIn(tokens.agent);
    expect((await agent.req('GET', '/console/inbox')).status).toBe(200);
    const admin = new Client(base);
    await admin.signIn(tokens.admin);
    const rotated = await admin.req('POST', '/console/staff/T-agent/rotate', { _csrf: await admin.csrf() });
    expect(rotated.status).toBe(200);
    expect(await agent.req('GET', '/console/inbox')).toMatchObject({ status: 303, location: '/console/signin?expired=1' });

    const token = /id="new-token">([^<]+)</.exec(rotated.text)![1];
    await agent.signIn(token);
    expect((await agent.req('GET', '/console/inbox')).status).toBe(200);
    expect((await admin.req('POST', '/console/staff/T-agent/disable', { _csrf: await admin.csrf() })).status).toBe(200);
    expect((await agent.req('GET', '/console/inbox')).status).toBe(303);
    expect(await agent.signIn(token)).toMatchObject({ status: 401 });
  });

  it('serves only its fixed list of assets', async () => {
    const c = new Client(base);
    const htmx = await c.req('GET', '/console/assets/htmx.min.js');
    expect(htmx.status).toBe(200);
    expect(htmx.type).toMatch(/^text\/javascript/);
    expect(htmx.text).toContain('htmx');
    for (const path of ['/console/assets/package.json', '/console/assets/..%2F..%2Fpackage.json', '/console/assets/nope.js']) {
      expect((await c.req('GET', path)).status).toBe(404);
    }
  });

  it('leaves the phone simulator out where the dev channel is off', async () => {
    const admin = new Client(base);
    await admin.signIn(tokens.admin);
    const inbox = await admin.req('GET', '/console/inbox');
    expect(inbox.text).not.toContain('/console/phone');
    expect((await admin.req('GET', '/console/phone')).status).toBe(404);
  });

  it('goes back after a language change only to a console page', async () => {
    const admin = new Client(base);
    await admin.signIn(tokens.admin);
    const csrf = /name="_csrf" value="([^"]+)"/.exec((await admin.req('GET', '/console/inbox')).text)![1];
    const cases: [string, string][] = [
      ['/console/customers?q=13', '/console/customers?q=13'],
      ['//evil.example/console', '/console'],
      ['https://evil.example/', '/console'],
      ['/console/\\evil.example', '/console'],
    ];
    for (const [back, location] of cases) {
      expect(await admin.req('POST', '/console/lang', { _csrf: csrf, locale: 'en', back })).toMatchObject({ status: 303, location });
    }
    await admin.req('POST', '/console/lang', { _csrf: csrf, locale: 'zh-HK', back: '/console/inbox' });
    expect((await admin.req('GET', '/console/inbox')).text).toContain('<h1>待辦</h1>');
  });
});
