import { type Kysely, sql } from 'kysely';
import type { Campaign, Database, Db, Locale, Staff } from '../../db/schema';
import { type Audience, audienceSchema, audienceWhere, chosenCard, exclusionReason } from '../../domain/campaigns/audience';
import { audit } from '../../domain/audit';
import type { Notifier } from '../messaging/notifier';
import { priorityOf } from '../outbox/outbox';
import { campaignTextSql, type FieldValues, type LanguagePreview, measureSql, optOutLines, previewText } from './render';

/** A campaign's preview: each language for a sample customer, and what the whole audience costs. */
export interface CampaignPreview {
  languages: (LanguagePreview & { sampleCustomer: string | null })[];
  /** Texts and segments for the audience as it stands now (a relative schedule's date filter aside). */
  recipients: number;
  totalSegments: number;
}

const fieldsOf = (keyword: string | null) => ({
  name: sql`c.name`,
  tier: sql`c.tier`,
  last4: sql`k.last4`,
  points: sql`c.points`,
  keyword: sql`${keyword ?? ''}::text`,
  code: sql`${keyword?.split(' ').pop() ?? ''}::text`,
});

/** The audience of a campaign, each customer with their exclusion reason (null: included) and chosen card. */
function audienceBase(db: Db, c: Campaign, now: Date, weeklyCap: number) {
  const a: Audience = audienceSchema.parse(c.audience);
  return db
    .selectFrom('customers as c')
    .where(audienceWhere(a, c.time_zone))
    .select(['c.id', 'c.locale', exclusionReason(now, weeklyCap).as('reason'), (eb) => chosenCard(a, c.time_zone)(eb).as('card_id')]);
}

/** Field values for one customer of the audience in `locale` (any included one when none speaks it), or made-up ones. */
async function sampleValues(db: Db, c: Campaign, locale: Locale, now: Date, weeklyCap: number): Promise<{ customer: string | null; values: FieldValues }> {
  const keyword = c.promoted_keyword ?? '';
  const { rows } = await sql<{ external_id: string; name: string; tier: string; points: number; last4: string | null }>`
    SELECT c.external_id, c.name, c.tier, c.points, k.last4
      FROM (${audienceBase(db, c, now, weeklyCap)}) b JOIN customers c ON c.id = b.id LEFT JOIN cards k ON k.id = b.card_id
     WHERE b.reason IS NULL ORDER BY (b.locale = ${locale}) DESC, b.id LIMIT 1`.execute(db);
  const code = keyword.split(' ').pop() ?? '';
  const s = rows[0];
  if (!s) return { customer: null, values: { name: 'Sample', tier: 'gold', last4: '0000', points: 1234, keyword, code } };
  return { customer: s.external_id, values: { name: s.name, tier: s.tier, last4: s.last4 ?? '', points: s.points, keyword, code } };
}

/** Renders each language of a campaign for a sample customer, and counts the segments the audience will cost (in SQL). */
export async function previewCampaign(db: Kysely<Database>, notifier: Notifier, c: Campaign, now: Date, weeklyCap: number): Promise<CampaignPreview> {
  const lines = optOutLines(notifier);
  const languages = [];
  for (const [locale, message] of Object.entries(c.messages) as [Locale, string][]) {
    const sample = await sampleValues(db, c, locale, now, weeklyCap);
    languages.push({ ...previewText(lines, locale, message, sample.values), sampleCustomer: sample.customer });
  }
  const { body } = campaignTextSql(c.messages, fieldsOf(c.promoted_keyword), lines);
  const { segments } = measureSql(sql<string>`t.body`);
  const { rows } = await sql<{ recipients: number; segments: number }>`
    WITH b AS (${audienceBase(db, c, now, weeklyCap)}),
    t AS (SELECT ${body} AS body FROM b JOIN customers c ON c.id = b.id LEFT JOIN cards k ON k.id = b.card_id WHERE b.reason IS NULL)
    SELECT count(*)::int AS recipients, coalesce(sum(${segments}), 0)::int AS segments FROM t`.execute(db);
  return { languages, recipients: rows[0].recipients, totalSegments: rows[0].segments };
}

/** Why a campaign may not be test-sent now (null: it may): test sends are for drafts and approved campaigns. */
export function testSendRefusal(c: Campaign): string | null {
  return c.status === 'draft' || c.status === 'approved' ? null : `Campaign is ${c.status}: test sends are for drafts and approved campaigns`;
}

/** Why a test send found no phone to go to. */
export const NO_AUTHOR_PHONE = "The campaign's author has no staff phone registered";

/**
 * Queues each language of a campaign, rendered for a sample customer, to its author's staff phone
 * (a service text: it is no marketing to a customer). Refused (null) when the author has no staff phone.
 */
export async function testSend(
  db: Kysely<Database>,
  notifier: Notifier,
  c: Campaign,
  by: Staff,
  now: Date,
  weeklyCap: number,
  channel: 'api' | 'console' = 'api',
): Promise<LanguagePreview[] | null> {
  const author = await db.selectFrom('staff').selectAll().where('id', '=', c.created_by).executeTakeFirstOrThrow();
  if (!author.mobile || !author.active) return null;
  const preview = await previewCampaign(db, notifier, c, now, weeklyCap);
  await db.transaction().execute(async (trx) => {
    await trx
      .insertInto('outbound_messages')
      .values(
        preview.languages.map((l) => ({
          to_number: author.mobile!,
          body: l.text,
          locale: l.language,
          template: 'campaign.test',
          class: 'service' as const,
          priority: priorityOf('service', null),
          encoding: l.encoding,
          segments: l.segments,
          not_before: now,
          created_at: now,
        })),
      )
      .execute();
    await audit(trx, {
      actorType: 'staff',
      actorId: by.id,
      channel,
      action: 'campaign.test_send',
      subject: `campaign:${c.id}`,
      details: { to: author.external_id, languages: preview.languages.map((l) => l.language) },
    });
  });
  return preview.languages;
}
