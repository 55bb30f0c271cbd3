import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { sql } from 'kysely';
import { type Audience, audienceSchema, countAudience } from '../../../../src/domain/campaigns/audience';
import { freshDatabase, type TestDatabase } from '../../../helpers/db';
import { addCustomers, optOut } from '../../../helpers/campaign-data';

let tdb: TestDatabase;
let ids: Record<string, number>;
const NOW = new Date('2026-12-01T04:00:00Z');

beforeAll(async () => {
  tdb = await freshDatabase();
  ids = await addCustomers(tdb.db, [
    {
      id: 'plat-en',
      tier: 'platinum',
      locale: 'en',
      city: 'New York',
      region: 'US',
      birthday: '1980-03-14',
      points: 90_000,
      since: '2010-05-01',
      cards: [{ product: 'infinite', status: 'active', activatedAt: '2026-10-01T02:00:00Z' }],
    },
    {
      id: 'gold-hk',
      tier: 'gold',
      locale: 'zh-HK',
      city: 'Hong Kong',
      region: 'HK',
      birthday: '1990-07-02',
      points: 12_000,
      since: '2019-01-10',
      cards: [{ product: 'signature', status: 'frozen', activatedAt: '2025-06-01T02:00:00Z' }],
    },
    {
      id: 'std-cn',
      tier: 'standard',
      locale: 'zh-CN',
      city: 'Shanghai',
      region: 'East',
      birthday: '1995-03-30',
      points: 500,
      since: '2024-08-08',
      cards: [{ product: 'classic', status: 'inactive', activatedAt: null }],
    },
    {
      id: 'std-bj',
      tier: 'standard',
      locale: 'zh-CN',
      city: 'Beijing',
      region: 'North',
      birthday: null,
      points: 3_000,
      since: '2022-02-02',
      cards: [
        { product: 'classic', status: 'active', activatedAt: '2026-11-20T02:00:00Z' },
        { product: 'infinite', status: 'closed', activatedAt: null },
      ],
    },
    // Match everything the above match, and are excluded for one reason each.
    { id: 'no-consent', consent: false },
    { id: 'stopped' },
    { id: 'bad-number', mobile: '12345' },
    { id: 'blocked-route' },
    { id: 'at-cap' },
  ]);
  const mobile = async (id: string) => (await tdb.db.selectFrom('customers').select('mobile').where('id', '=', ids[id]).executeTakeFirstOrThrow()).mobile;
  await optOut(tdb.db, await mobile('stopped'));
  await tdb.db
    .insertInto('route_blocks')
    .values({ to_number: await mobile('blocked-route'), channel: 'smpp', reason: 'invalid destination' })
    .execute();
  for (const daysAgo of [1, 3])
    await sql`INSERT INTO outbound_messages (to_number, customer_id, template, class, priority, body, locale, status, created_at, sent_at)
              VALUES (${await mobile('at-cap')}, ${ids['at-cap']}, 'x', 'marketing', 32, 'offer', 'zh-CN', 'sent',
                      ${new Date(NOW.getTime() - daysAgo * 86_400_000)}, ${new Date(NOW.getTime() - daysAgo * 86_400_000)})`.execute(tdb.db);
});
afterAll(async () => {
  await tdb.drop();
});

const EXCLUDED = ['no-consent', 'stopped', 'bad-number', 'blocked-route', 'at-cap'];

async function sampleOf(a: Audience): Promise<string[]> {
  const r = await countAudience(tdb.db, audienceSchema.parse(a), 'Asia/Shanghai', NOW, 2);
  expect(r.count).toBe(r.sample.length); // fewer than 10 match here, so the sample is all of them
  return r.sample.map((s) => s.customer).sort();
}

describe('audience filters', () => {
  const cases: [string, Audience, string[]][] = [
    ['tier', { tiers: ['platinum', 'gold'] }, ['gold-hk', 'plat-en']],
    ['language', { languages: ['en'] }, ['plat-en']],
    ['card product', { cardProducts: ['infinite'] }, ['plat-en', 'std-bj']],
    ['card status', { cardStatuses: ['frozen', 'inactive'] }, ['gold-hk', 'std-cn']],
    ['card product and status on the same card', { cardProducts: ['infinite'], cardStatuses: ['active'] }, ['plat-en']],
    ['city (any case)', { cities: ['hong kong', 'Beijing'] }, ['gold-hk', 'std-bj']],
    ['region', { regions: ['US', 'North'] }, ['plat-en', 'std-bj']],
    ['birthday month', { birthdayMonths: [3] }, ['plat-en', 'std-cn']],
    ['customer since', { customerSince: { from: '2019-01-01', to: '2023-12-31' } }, ['gold-hk', 'std-bj']],
    ['activation date', { activated: { from: '2026-10-01' } }, ['plat-en', 'std-bj']],
    ['points above', { pointsAbove: 3_000 }, ['gold-hk', 'plat-en']],
    ['points below', { pointsBelow: 3_000, tiers: ['standard'], cities: ['Shanghai', 'Beijing'] }, ['std-cn']],
    ['points between', { pointsAbove: 499, pointsBelow: 12_001 }, ['gold-hk', 'std-bj', 'std-cn']],
  ];
  it.each(cases)('%s', async (_name, a, expected) => {
    expect(await sampleOf(a)).toEqual(expected);
  });

  it('responded or not to an earlier campaign (a reply with its keyword within 7 days of the text)', async () => {
    const staff = await tdb.db.insertInto('staff').values({ external_id: 'M1', name: 'M', role: 'marketing' }).returning('id').executeTakeFirstOrThrow();
    const { id: campaign } = await tdb.db
      .insertInto('campaigns')
      .values({
        name: 'gala',
        purpose: 'p',
        messages: '{}',
        audience: '{}',
        schedule: '{}',
        schedule_kind: 'once',
        time_zone: 'Asia/Shanghai',
        rate_per_second: 10,
        validity_minutes: 60,
        promoted_keyword: 'JOIN GALA27',
        created_by: staff.id,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const sent = new Date('2026-11-20T02:00:00Z');
    for (const who of ['plat-en', 'gold-hk', 'std-cn']) {
      const c = await tdb.db.selectFrom('customers').select(['mobile']).where('id', '=', ids[who]).executeTakeFirstOrThrow();
      await tdb.db
        .insertInto('outbound_messages')
        .values({
          to_number: c.mobile,
          customer_id: ids[who],
          template: 'campaign',
          class: 'marketing',
          priority: 32,
          body: 'x',
          locale: 'en',
          status: 'delivered',
          sent_at: sent,
          campaign_id: campaign,
        })
        .execute();
      // plat-en answers with the keyword, gold-hk with something else, std-cn with the keyword but 8 days later
      const text = who === 'gold-hk' ? 'hello' : 'join gala27';
      const at = new Date(sent.getTime() + (who === 'std-cn' ? 8 : 1) * 86_400_000);
      await tdb.db
        .insertInto('inbound_messages')
        .values({ channel: 'dev', provider_id: `r-${who}`, from_number: c.mobile, to_number: 'UPLINK', text, received_at: at, customer_id: ids[who] })
        .execute();
    }
    expect(await sampleOf({ respondedTo: { campaign, responded: true } })).toEqual(['plat-en']);
    expect(await sampleOf({ respondedTo: { campaign, responded: false }, tiers: ['gold', 'platinum'] })).toEqual(['gold-hk']);
  });
});

describe('exclusions', () => {
  it('counts each reason apart and never includes an excluded customer', async () => {
    const r = await countAudience(tdb.db, audienceSchema.parse({ cities: ['Shanghai'] }), 'Asia/Shanghai', NOW, 2);
    expect(r.excluded).toEqual({ opted_out: 1, no_consent: 1, no_reachable_number: 2, weekly_cap: 1 });
    expect(r.count).toBe(1);
    expect(r.sample.map((s) => s.customer)).toEqual(['std-cn']);
    for (const id of EXCLUDED) expect(r.sample.map((s) => s.customer)).not.toContain(id);
  });

  it('lets a customer under the cap in: one text this week with a cap of 2', async () => {
    const r = await countAudience(tdb.db, audienceSchema.parse({ cities: ['Shanghai'] }), 'Asia/Shanghai', NOW, 3);
    expect(r.excluded.weekly_cap).toBe(0);
    expect(r.count).toBe(2);
  });
});

describe('bad filters', () => {
  const bad: [string, unknown, string][] = [
    ['unknown tier', { tiers: ['diamond'] }, 'tiers.0'],
    ['month 13', { birthdayMonths: [13] }, 'birthdayMonths.0'],
    ['empty range', { customerSince: {} }, 'customerSince'],
    ['backwards range', { activated: { from: '2026-02-01', to: '2026-01-01' } }, 'activated'],
    ['not a date', { activated: { from: '1/2/2026' } }, 'activated.from'],
    ['above not below below', { pointsAbove: 10, pointsBelow: 5 }, 'pointsAbove'],
    ['unknown criterion', { mood: 'happy' }, ''],
  ];
  it.each(bad)('%s', (_n, input, path) => {
    const r = audienceSchema.safeParse(input);
    expect(r.success).toBe(false);
    expect(r.error!.issues.map((i) => i.path.join('.'))).toContain(path);
  });
});
