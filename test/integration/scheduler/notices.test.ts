import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { jobDefinitions, runJob } from '../../../src/scheduler/jobs';
import { Scheduler } from '../../../src/scheduler/scheduler';
import { createLogger } from '../../../src/shared/log';
import { testGateway, type TestGateway } from '../../helpers/gateway';

let t: TestGateway;
beforeEach(async () => {
  t = await testGateway();
  // 李伟 (platinum, Shanghai) and 陳美玲 (gold, Hong Kong) share 14 March; John (New York) is made gold.
  await t.tdb.db.updateTable('customers').set({ birthday: '1990-03-14' }).where('external_id', '=', 'C-1002').execute();
  await t.tdb.db.updateTable('customers').set({ tier: 'gold' }).where('external_id', '=', 'C-1003').execute();
});
afterEach(async () => {
  await t.close();
});

const jobs = () => jobDefinitions('Asia/Shanghai');
const job = (name: string) => jobs().find((j) => j.name === name)!;
const ctx = () => ({ db: t.tdb.db, notifier: t.gw.notifier, config: t.gw.config });
const run = (name: string, asOf: string, date?: string) => runJob(ctx(), job(name), new Date(asOf), date);
const texts = (template: string) =>
  t.tdb.db
    .selectFrom('outbound_messages')
    .innerJoin('customers', 'customers.id', 'outbound_messages.customer_id')
    .select(['customers.external_id as customer', 'body', 'class', 'dedupe_key'])
    .where('template', '=', template)
    .orderBy('outbound_messages.id')
    .execute();

describe('birthday greetings', () => {
  it('greets at the local hour in each customer time zone, in their language', async () => {
    expect(await run('birthday-greetings', '2027-03-14T00:00:00Z')).toMatchObject({ queued: 0 }); // 08:00 in Shanghai and Hong Kong
    expect(await run('birthday-greetings', '2027-03-14T01:00:00Z')).toMatchObject({ queued: 2 }); // 09:00 there
    expect((await texts('notice.birthday')).map((r) => [r.customer, r.body, r.class])).toEqual([
      ['C-1001', '李伟，生日快乐！您的白金专属团队祝您新的一岁万事顺意，生日礼物已在路上。', 'service'],
      ['C-1002', '陳美玲，生日快樂！我們全體同事祝您生日快樂，萬事如意。', 'service'],
    ]);
    await t.tdb.db.updateTable('customers').set({ birthday: '1976-03-14' }).where('external_id', '=', 'C-1003').execute();
    expect(await run('birthday-greetings', '2027-03-14T01:00:00Z')).toMatchObject({ queued: 0 }); // 21:00 on the 13th in New York
    expect(await run('birthday-greetings', '2027-03-14T13:00:00Z')).toMatchObject({ queued: 1 }); // 09:00 EDT
    expect((await texts('notice.birthday')).at(-1)).toMatchObject({
      customer: 'C-1003',
      body: 'Happy birthday, John Smith! Best wishes for the year ahead from all of us.',
    });
  });

  it('sends once across two concurrent runs and a rerun', async () => {
    const runs = await Promise.all([run('birthday-greetings', '2027-03-14T01:00:00Z'), run('birthday-greetings', '2027-03-14T01:00:00Z')]);
    expect(runs.map((r) => r.queued).sort()).toEqual([0, 2]);
    expect(await run('birthday-greetings', '2027-03-14T01:00:00Z')).toMatchObject({ queued: 0 });
    expect((await texts('notice.birthday')).map((r) => r.dedupe_key)).toEqual([
      expect.stringMatching(/^birthday:\d+:2027$/),
      expect.stringMatching(/^birthday:\d+:2027$/),
    ]);
    const runsLogged = await t.tdb.db.selectFrom('job_runs').select(['outcome']).execute();
    expect(runsLogged).toEqual([{ outcome: 'ok' }, { outcome: 'ok' }, { outcome: 'ok' }]);
  });

  it('greets 29 February birthdays on 28 February in other years, and on the day in leap years', async () => {
    // John Smith was born 1976-02-29.
    expect(await run('birthday-greetings', '2027-02-28T14:00:00Z')).toMatchObject({ queued: 1 }); // 09:00 in New York
    expect(await run('birthday-greetings', '2028-02-28T14:00:00Z')).toMatchObject({ queued: 0 });
    expect(await run('birthday-greetings', '2028-02-29T14:00:00Z')).toMatchObject({ queued: 1 });
    expect(await run('birthday-greetings', '2027-06-01T00:00:00Z', '2027-02-28')).toMatchObject({ queued: 0 }); // already greeted in 2027
  });

  it('respects the tiers configured and an explicit "no greetings"', async () => {
    await t.tdb.db.updateTable('customers').set({ greetings_opt_out: true }).where('external_id', '=', 'C-1002').execute();
    await t.tdb.db.updateTable('customers').set({ birthday: '1970-03-14' }).where('external_id', '=', 'C-1004').execute(); // standard
    expect(await run('birthday-greetings', '2027-03-14T01:00:00Z')).toMatchObject({ queued: 1 });
    expect((await texts('notice.birthday')).map((r) => r.customer)).toEqual(['C-1001']);
  });

  it('fires one tick once across two scheduler instances', async () => {
    const clock = () => new Date('2027-03-14T01:00:20Z');
    const a = new Scheduler(ctx(), jobs(), clock, createLogger('silent'));
    const b = new Scheduler(ctx(), jobs(), clock, createLogger('silent'));
    const results = await Promise.all([a.tick(job('birthday-greetings')), b.tick(job('birthday-greetings'))]);
    expect(results.sort()).toEqual([false, true]);
    expect(await texts('notice.birthday')).toHaveLength(2);
  });
});

describe('renewal and payment reminders', () => {
  it('reminds once per card and offset before expiry, with tier wording and ACT', async () => {
    // 陳美玲's gold card ****3341 expires 2027-01-31: 60 days before is 2026-12-02.
    expect(await run('renewal-reminders', '2026-12-02T02:00:00Z', '2026-12-02')).toEqual({ queued: 1 });
    expect(await run('renewal-reminders', '2026-12-02T02:00:00Z', '2026-12-02')).toEqual({ queued: 0 });
    expect(await run('renewal-reminders', '2027-01-01T02:00:00Z', '2027-01-01')).toEqual({ queued: 1 });
    expect((await texts('notice.renewal')).map((r) => r.body)).toEqual(
      Array(2).fill('您尾號****3341的卡將於2027年1月31日到期。續卡將郵寄給您。收到後請回覆「開卡」加卡號末6位啟用。'),
    );
  });

  it('reminds of an unpaid minimum a few days before the due date, not of a paid one', async () => {
    // 李伟's statement is due 2026-11-30 with ¥1,023.45 unpaid; John's due 2026-11-26 is paid.
    expect(await run('payment-reminders', '2026-11-27T02:00:00Z', '2026-11-27')).toEqual({ queued: 1 });
    expect(await run('payment-reminders', '2026-11-23T02:00:00Z', '2026-11-23')).toEqual({ queued: 0 });
    expect((await texts('notice.payment')).map((r) => r.body)).toEqual([
      '温馨提示：您尾号****5675的卡最低还款额¥1,023.45将于2026年11月30日到期，如已还款请忽略。',
    ]);
  });
});
