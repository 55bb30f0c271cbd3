import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { sql } from 'kysely';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { runCampaigns } from '../../../src/core/campaigns/run';
import { addStaff } from '../../../src/domain/staff';
import { browserAvailable, launchBrowser, screenshots } from '../../helpers/browser';
import { addCustomers } from '../../helpers/campaign-data';
import { TestClock, testGateway, type TestGateway } from '../../helpers/gateway';
import { waitFor } from '../../helpers/wait';

const run = browserAvailable() ? describe : describe.skip;

let t: TestGateway;
let base: string;
let browser: Browser;
const tokens: Record<string, string> = {};
const contexts: BrowserContext[] = [];
const AUTHOR_PHONE = '+8613600136001';

async function signedIn(who: string): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  contexts.push(context);
  const page = await context.newPage();
  await page.goto(`${base}/console/signin`);
  await page.getByLabel('Staff token').fill(tokens[who]);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL((u) => !u.pathname.startsWith('/console/signin'));
  return page;
}

run('console campaigns and keywords in Chromium', () => {
  let id: number;

  beforeAll(async () => {
    t = await testGateway({ clock: new TestClock(new Date('2026-12-01T02:00:00Z')) }); // 10:00 in Shanghai
    base = `http://127.0.0.1:${await t.gw.start(0)}`;
    const staff = [
      ['maker', 'MK-1', 'Mei Marketing', 'marketing', AUTHOR_PHONE],
      ['checker', 'MK-2', 'Ken Checker', 'marketing', null],
      ['supervisor', 'SV-1', 'Sue Supervisor', 'supervisor', null],
      ['agent', 'AG-1', 'Al Agent', 'agent', null],
    ] as const;
    for (const [who, externalId, name, role, mobile] of staff) tokens[who] = (await addStaff(t.tdb.db, { externalId, name, role, mobile, locale: 'en' })).token;
    await addCustomers(t.tdb.db, [
      { id: 'w-en', locale: 'en', name: 'Amy', city: 'Wuxi', tier: 'gold', points: 2500 },
      { id: 'w-cn', locale: 'zh-CN', name: '张三', city: 'Wuxi', points: 10 },
      { id: 'w-hk', locale: 'zh-HK', name: '陳大文', city: 'Wuxi', points: 0 },
      { id: 'w-off', locale: 'en', city: 'Wuxi', consent: false },
    ]);
    browser = await launchBrowser();
  });
  afterAll(async () => {
    for (const c of contexts) await c.close();
    await browser?.close();
    await t?.close();
  });

  it('refuses an agent the campaigns and keywords pages and leaves them out of the menu', async () => {
    const page = await signedIn('agent');
    const menu = await page.getByRole('navigation').getByRole('link').allTextContents();
    expect(menu).not.toContain('Campaigns');
    expect(menu).not.toContain('Keywords');
    for (const path of ['/console/campaigns', '/console/campaigns/new', '/console/keywords']) {
      const response = await page.goto(`${base}${path}`);
      expect(response!.status()).toBe(403);
      await expect(page.getByRole('alert').textContent()).resolves.toBe('Your role cannot open this page.');
    }
  });

  it('takes a bad campaign back naming each field, and saves nothing', async () => {
    const page = await signedIn('maker');
    await page.goto(`${base}/console/campaigns/new`);
    await page.getByLabel('Name', { exact: true }).fill('Broken');
    await page.getByLabel('Purpose').fill('Shows the errors');
    await page.getByLabel('Text in English').fill('Hi {nickname}');
    await page.getByLabel('Time zone').fill('Mars/Base');
    const [response] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'POST' && r.url().endsWith('/console/campaigns')),
      page.getByRole('button', { name: 'Save campaign' }).click(),
    ]);
    expect(response.status()).toBe(400);
    const alert = (await page.getByRole('alert').textContent())!;
    expect(alert).toMatch(/^Not saved: /);
    expect(alert).toContain('messages.en');
    expect(alert).toContain('schedule.timeZone: an IANA time zone');
    expect(alert).toContain('schedule.at');
    expect(await t.tdb.db.selectFrom('campaigns').select('id').execute()).toEqual([]);
  });

  it('creates a campaign with a live audience count, previews it per language, test-sends, and refuses its author the approval', async () => {
    const page = await signedIn('maker');
    await page.getByRole('link', { name: 'Campaigns' }).click();
    await page.getByRole('link', { name: 'New campaign' }).click();
    await page.getByLabel('Name', { exact: true }).fill('Winter gala');
    await page.getByLabel('Purpose').fill('Invite Wuxi cardholders to the gala');
    await page.getByLabel('Text in English').fill('Hi {name}, you have {points, number} points. Reply {keyword} to join');
    await page.getByLabel('Text in 简体中文').fill('{name}您好，回复{keyword}报名冬季晚会');
    await page.getByLabel('Cities').fill('Wuxi');
    await page.getByLabel('Cities').blur(); // a change: htmx counts again
    await page.locator('#audience-total', { hasText: 'Would get it now: 3 customers' }).waitFor();
    await expect(page.locator('#audience-count li', { hasText: 'No marketing consent' }).locator('strong').textContent()).resolves.toBe('1');
    await page
      .getByLabel('Gold')
      .check()
      .catch(() => page.locator('input[name="tiers"][value="gold"]').check());
    await page.locator('#audience-total', { hasText: 'Would get it now: 1 customers' }).waitFor(); // Amy alone is gold
    await page.locator('input[name="tiers"][value="gold"]').uncheck();
    await page.locator('#audience-total', { hasText: 'Would get it now: 3 customers' }).waitFor();
    await page.getByLabel('Date and time (local)').fill('2026-12-01T10:30');
    await page.getByLabel('Texts per second').fill('100');
    await page.getByLabel('Promoted keyword').fill('join gala27');
    await page.getByRole('button', { name: 'Save campaign' }).click();
    await page.waitForURL(/\/console\/campaigns\/\d+\?done=created$/);
    id = Number(/campaigns\/(\d+)/.exec(page.url())![1]);
    await expect(page.locator('#camp-status').textContent()).resolves.toBe('draft');
    const en = page.locator('figure.preview[data-language="en"]');
    await expect(en.locator('.text').textContent()).resolves.toMatch(/^Hi Amy, you have 2,500 points\. Reply JOIN GALA27 to join\nReply STOP to opt out/);
    await expect(en.locator('.hint').textContent()).resolves.toMatch(/^GSM-7 · \d+ characters · segments: 1$/);
    await expect(page.locator('figure.preview[data-language="zh-CN"] .hint').textContent()).resolves.toMatch(/^UCS-2 · /);
    await expect(page.locator('#camp-cost').textContent()).resolves.toMatch(/^Now: 3 recipients, \d+ segments in all$/);

    await page.getByRole('button', { name: 'Test send to the author’s phone' }).click();
    await page.waitForURL(/done=test-send/);
    const tests = await t.tdb.db
      .selectFrom('outbound_messages')
      .select(['to_number', 'locale'])
      .where('template', '=', 'campaign.test')
      .orderBy('locale')
      .execute();
    expect(tests).toEqual([
      { to_number: AUTHOR_PHONE, locale: 'en' },
      { to_number: AUTHOR_PHONE, locale: 'zh-CN' },
    ]);

    const [response] = await Promise.all([page.waitForResponse((r) => r.url().endsWith('/approve')), page.getByRole('button', { name: 'Approve' }).click()]);
    expect(response.status()).toBe(403);
    await expect(page.getByRole('alert').textContent()).resolves.toBe('A campaign is approved by someone other than its author');
    expect((await t.tdb.db.selectFrom('campaigns').select('status').where('id', '=', id).executeTakeFirstOrThrow()).status).toBe('draft');

    // An edit: the form comes back filled in; saved, the version goes up.
    await page.getByRole('link', { name: 'Edit' }).click();
    await expect(page.getByLabel('Cities').inputValue()).resolves.toBe('Wuxi');
    await expect(page.getByLabel('Promoted keyword').inputValue()).resolves.toBe('JOIN GALA27');
    await page.getByLabel('Purpose').fill('Invite Wuxi cardholders to the winter gala');
    await page.getByRole('button', { name: 'Save campaign' }).click();
    await page.waitForURL(/done=saved/);
    const row = await t.tdb.db.selectFrom('campaigns').select(['purpose', 'version', 'status']).where('id', '=', id).executeTakeFirstOrThrow();
    expect(row).toEqual({ purpose: 'Invite Wuxi cardholders to the winter gala', version: 2, status: 'draft' });
  });

  it('is approved by a second marketing user, sends, and shows its report with a chart and a CSV', async () => {
    const checker = await signedIn('checker');
    await checker.getByRole('link', { name: 'Campaigns' }).click();
    await checker.getByRole('link', { name: 'Winter gala' }).click();
    // A forged approval (no CSRF token, or a wrong one) is refused and changes nothing.
    const forged = await checker.evaluate(async (path) => {
      const send = (body: string) =>
        fetch(path, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body, redirect: 'manual' });
      return [(await send('')).status, (await send('_csrf=forged-token-value')).status];
    }, `/console/campaigns/${id}/approve`);
    expect(forged).toEqual([403, 403]);
    expect((await t.tdb.db.selectFrom('campaigns').select('status').where('id', '=', id).executeTakeFirstOrThrow()).status).toBe('draft');
    await checker.getByRole('button', { name: 'Approve' }).click();
    await checker.waitForURL(/done=approve/);
    await expect(checker.locator('#camp-status').textContent()).resolves.toBe('approved');

    t.clock.advance(30 * 60_000); // 10:30 in Shanghai: its time
    await runCampaigns({ db: t.tdb.db, notifier: t.gw.notifier, config: t.gw.config }, t.clock.now());
    const texts = () => t.tdb.db.selectFrom('outbound_messages').select(['id', 'to_number', 'status']).where('campaign_id', '=', id).orderBy('id').execute();
    await waitFor('the campaign sent', async () => {
      await t.gw.dispatcher.runOnce();
      return (await texts()).every((x) => x.status === 'sent');
    });
    const sent = await texts();
    expect(sent).toHaveLength(3);
    await sql`UPDATE outbound_messages SET status = 'delivered' WHERE id = ${sent[0].id}`.execute(t.tdb.db);
    await t.sms(sent[1].to_number, 'join gala27');
    await t.sms(sent[2].to_number, 'TD');

    const maker = await signedIn('maker');
    await maker.goto(`${base}/console/campaigns/${id}`);
    const figure = (name: string) => maker.locator(`#r-${name}`).textContent();
    await expect(figure('targeted')).resolves.toBe('3');
    await expect(figure('sent')).resolves.toBe('3');
    await expect(figure('delivered')).resolves.toBe('1');
    await expect(figure('failed')).resolves.toBe('0');
    await expect(figure('replies')).resolves.toBe('1');
    await expect(figure('optOuts')).resolves.toBe('1');
    await maker.locator('.chart canvas').first().waitFor();
    await expect(maker.locator('.chart').getAttribute('aria-label')).resolves.toBe('Sent, delivered and failed per minute: 3 sent, 1 delivered, 0 failed');
    const href = (await maker.getByRole('link', { name: 'Download the report (CSV)' }).getAttribute('href'))!;
    const csv = await maker.context().request.get(`${base}${href}`);
    expect(csv.headers()['content-type']).toMatch(/text\/csv/);
    const body = await csv.text();
    expect(body).toContain('targeted,3\n');
    expect(body).toContain('replies,1\noptOuts,1\n');

    await maker.getByRole('button', { name: 'Pause' }).click();
    await maker.waitForURL(/done=pause/);
    await expect(maker.locator('#camp-status').textContent()).resolves.toBe('paused');
    await maker.getByRole('button', { name: 'Resume' }).click();
    await maker.waitForURL(/done=resume/);
    await expect(maker.locator('#camp-status').textContent()).resolves.toBe('running');
    const trail = await t.tdb.db.selectFrom('audit_log').select(['action', 'channel']).where('subject', '=', `campaign:${id}`).orderBy('id').execute();
    expect(trail).toEqual(
      ['campaign.create', 'campaign.test_send', 'campaign.update', 'campaign.approve', 'campaign.pause', 'campaign.resume'].map((action) => ({
        action,
        channel: 'console',
      })),
    );
  });

  it('creates, previews, edits and deletes a staff keyword, and refuses STOP with the reason', async () => {
    const page = await signedIn('maker');
    await page.getByRole('link', { name: 'Keywords' }).click();
    await page.getByLabel('Keyword', { exact: true }).fill('hotline');
    await page.getByLabel('Aliases (comma-separated)').fill('热线, 熱線');
    await page.getByLabel('Reply in English').fill('Call 400-820-8888, any time.');
    await page.getByText('Per tier (optional)').first().click(); // English's tier replies open
    await page.getByLabel('gold customers in English (optional)').fill('Gold line: 400-820-9999.');
    await page.getByLabel('Reply in 简体中文').fill('请致电 400-820-8888。');
    await page.getByLabel('Reply in 繁體中文').fill('請致電 400-820-8888。');
    await page.getByLabel('Reply in 繁體中文').blur();
    const en = page.locator('#kw-preview tr[data-language="en"]');
    await en.locator('td[data-label="gold"]', { hasText: 'Gold line' }).waitFor();
    await expect(en.locator('td[data-label="standard"]').textContent()).resolves.toBe('Call 400-820-8888, any time.');
    await page.getByRole('button', { name: 'Save keyword' }).click();
    await expect(page.getByRole('status').first().textContent()).resolves.toBe('HOTLINE saved; it answers at once.');
    await expect(page.locator('#keywords tr[data-keyword="HOTLINE"]').textContent()).resolves.toContain('热线');
    expect(await t.sms('+16465550123', 'hotline')).toEqual(['Call 400-820-8888, any time.']); // John Smith, standard

    await page.getByLabel('Keyword', { exact: true }).fill('STOP');
    await page.getByLabel('Reply in English').fill('Never sent');
    await page.getByLabel('Reply in 简体中文').fill('不会发送');
    await page.getByLabel('Reply in 繁體中文').fill('不會發送');
    const [response] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'POST' && r.url().endsWith('/console/keywords')),
      page.getByRole('button', { name: 'Save keyword' }).click(),
    ]);
    expect(response.status()).toBe(409);
    await expect(page.getByRole('alert').textContent()).resolves.toBe('Not saved: STOP is a carrier keyword (opt-out, opt-in or help)');
    expect(await t.tdb.db.selectFrom('info_keywords').select('keyword').execute()).toEqual([{ keyword: 'HOTLINE' }]);

    await page.getByRole('link', { name: 'Edit HOTLINE' }).click();
    await expect(page.getByLabel('Keyword', { exact: true }).inputValue()).resolves.toBe('HOTLINE');
    await page.getByLabel('Reply in English').fill('Call 400-820-8888, 24 hours.');
    await page.getByRole('button', { name: 'Save keyword' }).click();
    await expect(page.locator('#keywords tr[data-keyword="HOTLINE"]').textContent()).resolves.toContain('24 hours');
    await screenshotsOfPages();
    await page.getByRole('button', { name: 'Delete HOTLINE' }).click();
    await expect(page.getByRole('status').first().textContent()).resolves.toBe('HOTLINE deleted.');
    const trail = await t.tdb.db
      .selectFrom('audit_log')
      .select('action')
      .where('subject', '=', 'keyword:HOTLINE')
      .where('channel', '=', 'console')
      .orderBy('id')
      .execute();
    expect(trail.map((e) => e.action)).toEqual(['keyword.saved', 'keyword.saved', 'keyword.deleted']);
  });

  /** Both pages at 1280 and 390 px (with a keyword in the list and a campaign with a report). */
  async function screenshotsOfPages() {
    const supervisor = await signedIn('supervisor');
    const files: string[] = [];
    for (const [name, path] of [
      ['campaigns', '/console/campaigns'],
      ['campaign-new', '/console/campaigns/new'],
      ['campaign', `/console/campaigns/${id}`],
      ['keywords', '/console/keywords?edit=HOTLINE'],
    ]) {
      await supervisor.goto(`${base}${path}`);
      if (name === 'campaign-new') await supervisor.locator('#audience-total').waitFor();
      if (name === 'keywords') await supervisor.locator('#kw-preview table').waitFor();
      files.push(...(await screenshots(supervisor, `${name}`)));
    }
    expect(files.filter((f) => !existsSync(f))).toEqual([]);
    expect(files).toHaveLength(8);
  }
});
