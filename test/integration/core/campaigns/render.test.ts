import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { sql } from 'kysely';
import { IntlMessageFormat } from 'intl-messageformat';
import { campaignTextSql, measureSql, previewText, optOutLines } from '../../../../src/core/campaigns/render';
import type { FieldExpressions } from '../../../../src/domain/campaigns/message';
import { Outbox } from '../../../../src/core/outbox/outbox';
import { Templates, TEMPLATES_DIR } from '../../../../src/core/messaging/templates';
import { measure } from '../../../../src/transport/codec/gsm7';
import type { Locale } from '../../../../src/db/schema';
import { freshDatabase, type TestDatabase } from '../../../helpers/db';

let tdb: TestDatabase;
const templates = new Templates(TEMPLATES_DIR);
const outbox = new Outbox(templates);
const lines = optOutLines({ optOutLine: (l) => templates.render(l, 'consent.unsubscribe') });
beforeAll(async () => {
  tdb = await freshDatabase();
});
afterAll(async () => {
  await tdb.drop();
});

const MESSAGES: Partial<Record<Locale, string>> = {
  en: '{tier, select, platinum {Dear {name}} other {Hi {name}}}: card {last4} has {points, plural, =0 {no points} one {# point} other {# points}}. Reply {keyword}',
  'zh-CN': '{name}您好，尾号{last4}的卡有{points, number}积分，回复{code}报名',
  'zh-HK': '{name}你好，尾號{last4}的卡有{points}積分，回覆{keyword}報名',
};

// Customers as (locale, tier, name, last4, points): the SQL must render exactly what IntlMessageFormat does.
const PEOPLE: [Locale, string, string, string, number][] = [
  ['en', 'platinum', 'John Smith', '4242', 1],
  ['en', 'gold', 'Ann {Lee}', '0001', 0],
  ['en', 'standard', 'Bo', '9999', 1234567],
  ['zh-CN', 'gold', '李伟', '5432', 88888],
  ['zh-HK', 'standard', '陳美玲', '1111', 5],
];

describe('campaign texts rendered inside PostgreSQL', () => {
  it.each(PEOPLE)('%s %s %s: same text, opt-out line, encoding and segments as the outbox would write', async (locale, tier, name, last4, points) => {
    const fields: FieldExpressions = {
      name: sql`${name}::text`,
      tier: sql`${tier}::text`,
      last4: sql`${last4}::text`,
      points: sql`${points}::int`,
      keyword: sql`${'JOIN GALA27'}::text`,
      code: sql`${'GALA27'}::text`,
    };
    const { body, locale: lang } = campaignTextSql(MESSAGES, fields, lines);
    const { rows } = await sql<{ body: string; lang: string }>`SELECT ${body} AS body, ${lang} AS lang FROM (SELECT ${locale}::text AS locale) c`.execute(
      tdb.db,
    );
    const values = { name, tier, last4, points, keyword: 'JOIN GALA27', code: 'GALA27' };
    const expected = outbox.withOptOut(String(new IntlMessageFormat(MESSAGES[locale]!, locale, undefined, { ignoreTag: true }).format(values)), locale);
    expect(rows[0]).toEqual({ body: expected, lang: locale });
    expect(previewText(lines, locale, MESSAGES[locale]!, values).text).toBe(expected);
  });

  it('falls back to English for a language the campaign has no text in', async () => {
    const fields = { name: sql`'X'`, tier: sql`'gold'`, last4: sql`'1'`, points: sql`2`, keyword: sql`'K'`, code: sql`'K'` } as FieldExpressions;
    const { body, locale } = campaignTextSql({ en: 'Hello {name}' }, fields, lines);
    const { rows } = await sql<{ body: string; lang: string }>`SELECT ${body} AS body, ${locale} AS lang FROM (SELECT 'zh-HK'::text AS locale) c`.execute(
      tdb.db,
    );
    expect(rows[0]).toEqual({ body: 'Hello X\nReply STOP to opt out', lang: 'en' });
  });

  it('carries the opt-out line of each language', () => {
    expect(lines).toEqual({ en: 'Reply STOP to opt out', 'zh-CN': '回复TD退订', 'zh-HK': '回覆TD退訂' });
  });

  const TEXTS = [
    'hello',
    'a'.repeat(160),
    'a'.repeat(161),
    '{'.repeat(80),
    '{'.repeat(81),
    '€uro [x]',
    '你好'.repeat(35),
    '你好'.repeat(36),
    '😀'.repeat(35),
    '😀'.repeat(36),
    'é'.repeat(200),
    '',
  ];
  it.each(TEXTS.map((t) => [t.slice(0, 12), t]))('measures %s as measure() does', async (_l, text) => {
    const m = measureSql(sql<string>`${text}::text`);
    const { rows } = await sql<{ encoding: string; segments: number }>`SELECT ${m.encoding} AS encoding, ${m.segments} AS segments`.execute(tdb.db);
    expect(rows[0]).toEqual(measure(text));
  });
});
