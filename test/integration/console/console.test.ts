import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { addStaff } from '../../../src/domain/staff';
import { browserAvailable, launchBrowser, screenshots } from '../../helpers/browser';
import { testGateway, type TestGateway } from '../../helpers/gateway';

const run = browserAvailable() ? describe : describe.skip;

let t: TestGateway;
let base: string;
let browser: Browser;
const tokens: Record<string, string> = {};
const contexts: BrowserContext[] = [];

async function signedIn(role: string): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  contexts.push(context);
  const page = await context.newPage();
  await page.goto(`${base}/console/signin`);
  await page.getByLabel('Staff token').fill(tokens[role]);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL((u) => !u.pathname.startsWith('/console/signin'));
  return page;
}

async function join(from: string): Promise<string> {
  const reply = (await t.sms(from, 'JOIN HC2026'))[0];
  return /(\d{6})/.exec(reply)![1];
}

run('staff console in Chromium', () => {
  beforeAll(async () => {
    t = await testGateway();
    base = `http://127.0.0.1:${await t.gw.start(0)}`;
    for (const role of ['agent', 'supervisor', 'admin', 'marketing'] as const) {
      tokens[role] = (await addStaff(t.tdb.db, { externalId: `T-${role}`, name: `Test ${role}`, role, locale: 'en' })).token;
    }
    browser = await launchBrowser();
  });
  afterAll(async () => {
    for (const c of contexts) await c.close();
    await browser?.close();
    await t?.close();
  });

  it('signs in with a staff token once, then keeps an HttpOnly, SameSite=Strict session cookie (the token is not kept)', async () => {
    const page = await signedIn('agent');
    expect(new URL(page.url()).pathname).toBe('/console/inbox');
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Inbox');
    const cookies = await page.context().cookies();
    expect(cookies.map((c) => c.name)).toContain('uplink_console');
    const session = cookies.find((c) => c.name === 'uplink_console')!;
    expect(session).toMatchObject({ httpOnly: true, sameSite: 'Strict', secure: true, path: '/console' });
    expect(JSON.stringify(cookies)).not.toContain(tokens.agent);
    const rows = await t.tdb.db.selectFrom('console_sessions').selectAll().execute();
    expect(rows.map((r) => r.id_hash)).not.toContain(session.value);
    expect(rows.every((r) => /^[0-9a-f]{64}$/.test(r.id_hash))).toBe(true);
  });

  it('refuses a wrong token with one message and no session', async () => {
    const context = await browser.newContext();
    contexts.push(context);
    const page = await context.newPage();
    await page.goto(`${base}/console/signin`);
    await page.getByLabel('Staff token').fill('upl_not-a-real-token-0000000000000000000000000');
    const [response] = await Promise.all([page.waitForResponse((r) => r.request().method() === 'POST'), page.getByRole('button', { name: 'Sign in' }).click()]);
    expect(response.status()).toBe(401);
    await expect(page.getByRole('alert').textContent()).resolves.toBe('That token is not valid.');
    expect((await context.cookies()).map((c) => c.name)).not.toContain('uplink_console');
  });

  it('confirms a sign-up from the inbox; the customer sees the confirmation in their thread', async () => {
    const ref = await join('13800138000'); // 李伟, platinum
    const page = await signedIn('agent');
    const row = page.locator(`#signups tr[data-ref="${ref}"]`);
    await expect(row.textContent()).resolves.toContain('李伟');
    await row.getByRole('button', { name: `Confirm ${ref}` }).click();
    await page.waitForURL(/result=done/);
    await expect(page.getByRole('status').first().textContent()).resolves.toBe(`${ref}: done.`);
    expect(await page.locator(`#signups tr[data-ref="${ref}"]`).count()).toBe(0);

    await page.getByRole('link', { name: 'Customers' }).click();
    await page.getByLabel('Mobile, name or card last 4').fill('13800138000');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByRole('link', { name: '李伟' }).click();
    const newest = page.locator('ol.thread li.bubble.out').last();
    await expect(newest.locator('.text').textContent()).resolves.toMatch(new RegExp(`^报名成功：.*编号${ref}`));
    await expect(newest.locator('.status').textContent()).resolves.toMatch(/^(sent|delivered)$/);
    const row2 = await t.tdb.db.selectFrom('registrations').select(['status', 'decided_by']).where('ref', '=', ref).executeTakeFirstOrThrow();
    expect(row2.status).toBe('confirmed');
  });

  it('updates the inbox count without a reload when a sign-up arrives', async () => {
    const page = await signedIn('agent');
    const badge = page.locator('#inbox-count [aria-hidden]');
    await badge.waitFor();
    await page.evaluate(() => ((globalThis as any).sameDocument = true));
    const before = Number(await badge.textContent());
    await join('+85291234567'); // 陳美玲, gold
    await page.waitForFunction((n) => Number((globalThis as any).document.querySelector('#inbox-count [aria-hidden]')?.textContent) === n, before + 1, {
      timeout: 20_000,
    });
    expect(await page.evaluate(() => (globalThis as any).sameDocument)).toBe(true); // no reload happened
  });

  it('claims, notes and resolves a case and declines a sign-up from the inbox, all audited with channel console', async () => {
    await t.sms('+16465550123', 'CLOSE'); // John Smith asks to close his card: a retention call-back
    const { ref } = await t.tdb.db.selectFrom('cases').select('ref').where('status', '=', 'open').orderBy('id', 'desc').executeTakeFirstOrThrow();
    const pending = await t.tdb.db.selectFrom('registrations').select('ref').where('status', '=', 'pending').orderBy('id', 'desc').executeTakeFirstOrThrow();
    const page = await signedIn('agent');
    await page.getByRole('button', { name: `Claim ${ref}` }).click();
    await page.waitForURL(/result=done/);
    await page.getByLabel(`Note on ${ref}`).fill('Called back, offered the fee waiver');
    await page.getByLabel(`Note on ${ref}`).press('Enter'); // the keyboard submits as well as the mouse
    await page.waitForURL(new RegExp(`ref=${ref}&result=done`));
    await page.getByLabel(`Outcome of ${ref}`).fill('Kept the card');
    await page.getByRole('button', { name: 'Resolve' }).first().click();
    await page.waitForURL(/result=done/);
    expect(await page.locator(`#cases tr[data-ref="${ref}"]`).count()).toBe(0);
    const kase = await t.tdb.db.selectFrom('cases').selectAll().where('ref', '=', ref).executeTakeFirstOrThrow();
    expect(kase).toMatchObject({ status: 'resolved', outcome: 'Kept the card' });
    const notes = await t.tdb.db.selectFrom('case_notes').select('note').where('case_id', '=', kase.id).execute();
    expect(notes.map((n) => n.note)).toEqual(['Called back, offered the fee waiver']);

    const decline = pending.ref; // 陳美玲's, from the count test
    await page.getByLabel(`Reason for declining ${decline}`).fill('Event full for platinum guests');
    await page.locator(`#signups tr[data-ref="${decline}"]`).getByRole('button', { name: 'Decline' }).click();
    await page.waitForURL(new RegExp(`ref=${decline}&result=done`));
    const reg = await t.tdb.db.selectFrom('registrations').select(['status', 'reason']).where('ref', '=', decline).executeTakeFirstOrThrow();
    expect(reg).toEqual({ status: 'declined', reason: 'Event full for platinum guests' });
    const trail = await t.tdb.db
      .selectFrom('audit_log')
      .select(['action', 'subject'])
      .where('channel', '=', 'console')
      .where('subject', 'in', [`case:${ref}`, `registration:${decline}`])
      .orderBy('id')
      .execute();
    expect(trail.map((e) => e.action)).toEqual(['case.claim', 'case.notes', 'case.resolve', 'registration.decline']);
  });

  it('sends BAL from the phone simulator and shows the reply', async () => {
    const page = await signedIn('marketing');
    await page.getByRole('link', { name: 'Phone simulator' }).click();
    await page.getByLabel('Cardholder').selectOption({ label: 'John Smith · +16465550123 · standard' });
    await page.locator('#phone .screen-title', { hasText: 'John Smith' }).waitFor(); // the thread follows the choice
    await page.getByLabel('Text', { exact: true }).fill('BAL');
    await page.getByRole('button', { name: 'Send' }).click();
    await page.locator('#phone li.bubble.in', { hasText: 'BAL' }).waitFor();
    const reply = page.locator('#phone li.bubble.out').last();
    await expect(reply.locator('.text').textContent()).resolves.toMatch(/Card \*\*\*\*7891: balance \$812\.40/);
    await expect(page.locator('#phone li.bubble.in').last().locator('.text').textContent()).resolves.toBe('BAL');
  });

  it('refuses an agent the dashboard and staff pages, and leaves them out of the menu', async () => {
    const page = await signedIn('agent');
    expect(await page.getByRole('navigation').getByRole('link').allTextContents()).toEqual(['Inbox', 'Customers', 'Phone simulator']);
    for (const path of ['/console/dashboard', '/console/staff']) {
      const response = await page.goto(`${base}${path}`);
      expect(response!.status()).toBe(403);
      await expect(page.getByRole('alert').textContent()).resolves.toBe('Your role cannot open this page.');
    }
    const marketing = await signedIn('marketing');
    expect((await marketing.goto(`${base}/console/inbox`))!.status()).toBe(403);
  });

  it('shows no page without sign-in', async () => {
    const context = await browser.newContext();
    contexts.push(context);
    const page = await context.newPage();
    for (const path of ['/console', '/console/inbox', '/console/customers/C-1001', '/console/phone', '/console/dashboard', '/console/staff']) {
      await page.goto(`${base}${path}`);
      expect(new URL(page.url()).pathname).toBe('/console/signin');
    }
    const post = await context.request.post(`${base}/console/inbox/registrations/123456/confirm`, { form: { _csrf: 'x' }, maxRedirects: 0 });
    expect(post.status()).toBe(401);
  });

  it('refuses a forged form post (no or a wrong CSRF token, or from another site) and changes nothing', async () => {
    const ref = await join('+85291234567').catch(() => undefined);
    const pending = await t.tdb.db.selectFrom('registrations').select('ref').where('status', '=', 'pending').execute();
    const target = ref && pending.some((p) => p.ref === ref) ? ref : pending[0].ref;
    const page = await signedIn('agent');
    const statuses = await page.evaluate(async (r) => {
      const send = (body: string) =>
        fetch(`/console/inbox/registrations/${r}/confirm`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body,
          redirect: 'manual',
        });
      return [(await send('')).status, (await send('_csrf=forged-token-value')).status];
    }, target);
    expect(statuses).toEqual([403, 403]);
    // Another site's page posting a form to the console: the SameSite=Strict cookie stays behind.
    const other = await page.context().newPage();
    await other.setContent(
      `<form method="post" action="${base}/console/inbox/registrations/${target}/confirm"><input name="_csrf" value="guess"><button>go</button></form>`,
    );
    const [response] = await Promise.all([other.waitForResponse((r) => r.url().includes('/confirm')), other.click('button')]);
    expect(response.status()).toBe(401);
    const row = await t.tdb.db.selectFrom('registrations').select('status').where('ref', '=', target).executeTakeFirstOrThrow();
    expect(row.status).toBe('pending');
  });

  it('lets an admin add staff (token shown once, stored hashed) and rotate and disable them, all in the audit trail', async () => {
    const page = await signedIn('admin');
    await page.getByRole('link', { name: 'Staff' }).click();
    await page.getByLabel('Staff id').fill('A-42');
    await page.getByLabel('Name').fill('Zhang Min');
    await page.getByLabel('Role').selectOption('agent');
    await page.getByRole('button', { name: 'Add staff' }).click();
    const token = (await page.locator('#new-token').textContent())!;
    expect(token).toMatch(/^upl_[A-Za-z0-9_-]{43}$/);
    const stored = await t.tdb.db.selectFrom('staff').select('token_hash').where('external_id', '=', 'A-42').executeTakeFirstOrThrow();
    expect(stored.token_hash).toMatch(/^[0-9a-f]{64}$/);
    await page.getByRole('button', { name: 'Rotate token A-42' }).click();
    const rotated = (await page.locator('#new-token').textContent())!;
    expect(rotated).not.toBe(token);
    await page.getByRole('button', { name: 'Disable A-42' }).click();
    await expect(page.getByRole('status').first().textContent()).resolves.toContain('A-42 is disabled');
    await page.getByLabel('Action starts with').fill('staff.');
    await page.getByRole('button', { name: 'Filter' }).click();
    const actions = await page.locator('tbody tr td[data-label="Action"]').allTextContents();
    expect(actions.slice(0, 3)).toEqual(['staff.disable', 'staff.rotate', 'staff.add']);
  });

  it('takes a malformed staff form back with the field named', async () => {
    const page = await signedIn('admin');
    await page.goto(`${base}/console/staff`);
    await page.getByLabel('Staff id').fill('A-43');
    await page.getByLabel('Name').fill('Li Na');
    await page.getByLabel('Mobile (optional)').fill('12');
    await page.getByRole('button', { name: 'Add staff' }).click();
    await expect(page.getByRole('alert').textContent()).resolves.toBe('Not added: mobile: not a phone number');
    expect(await t.tdb.db.selectFrom('staff').select('id').where('external_id', '=', 'A-43').executeTakeFirst()).toBeUndefined();
  });

  it('shows the supervisor dashboard with its charts, and Chinese text for a Chinese-speaking user', async () => {
    await t.sms('+16465550123', 'BILL');
    await t.sms('13900139000', 'CLOSE'); // a retention case for the inbox
    const page = await signedIn('supervisor');
    await page.getByRole('link', { name: 'Dashboard' }).click();
    await page.locator('.chart canvas').first().waitFor();
    const commands = await page.locator('[aria-label="Texts in by command"] .bar-label').allTextContents();
    expect(commands).toEqual(expect.arrayContaining(['bill', 'close']));
    await page.getByLabel('Language').selectOption('zh-CN');
    await page.getByRole('button', { name: 'Change' }).click();
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('仪表盘');
    await page.getByLabel('从').fill('2026-12-05');
    await page.getByLabel('到').fill('2026-12-01');
    await page.getByRole('button', { name: '显示' }).click();
    await expect(page.getByRole('alert').textContent()).resolves.toBe('时间范围无效：from: after to');
  });

  it('saves a screenshot of each page at 1280 and 390 px', async () => {
    // An hour or two of traffic, minutes apart, so the pages show what a working day looks like.
    for (const [from, text] of [
      ['+16465550123', 'PTS'],
      ['13800138000', '余额'],
      ['+85291234567', '賬單'],
      ['+16465550123', 'CLOSE'],
      ['13900139000', 'HELP'],
      ['+16465550123', "what's my balance?"],
      ['13800138000', 'BILL'],
    ]) {
      t.clock.advance(9 * 60_000);
      await t.sms(from, text);
    }
    const signin = await (await browser.newContext()).newPage();
    const files = await screenshots(await (async () => (await signin.goto(`${base}/console/signin`), signin))(), 'signin');
    const admin = await signedIn('admin');
    for (const [name, path] of [
      ['inbox', '/console/inbox'],
      ['customers', '/console/customers?q=13'],
      ['customer', '/console/customers/C-1001'],
      ['phone', '/console/phone?as=C-1003'],
      ['dashboard', '/console/dashboard'],
      ['staff', '/console/staff'],
    ]) {
      await admin.goto(`${base}${path}`);
      files.push(...(await screenshots(admin, name)));
    }
    const agent = await signedIn('agent');
    await agent.goto(`${base}/console/staff`);
    files.push(...(await screenshots(agent, 'forbidden')));
    const supervisor = await signedIn('supervisor'); // chose Chinese in the dashboard test
    await supervisor.goto(`${base}/console/inbox`);
    files.push(...(await screenshots(supervisor, 'inbox-zh')));
    expect(files.filter((f) => !existsSync(f))).toEqual([]);
    expect(files).toHaveLength(18);
    await signin.context().close();
  });

  it('ends a session idle for longer than CONSOLE_IDLE_MINUTES, and at sign-out', async () => {
    const page = await signedIn('agent');
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(/\/console\/signin/);
    await page.goto(`${base}/console/inbox`);
    expect(new URL(page.url()).pathname).toBe('/console/signin');

    const idle = await signedIn('agent');
    t.clock.advance(31 * 60_000);
    await idle.goto(`${base}/console/inbox`);
    expect(idle.url()).toMatch(/\/console\/signin\?expired=1$/);
    await expect(idle.getByRole('alert').textContent()).resolves.toBe('Your session ended. Please sign in again.');
  });
});
