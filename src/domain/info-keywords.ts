import { type Selectable, sql } from 'kysely';
import type { Db, InfoKeywordsTable, InfoReplies, Tier, Locale } from '../db/schema';

/** A staff-defined information keyword as stored. */
export type InfoKeyword = Selectable<InfoKeywordsTable>;

/** A keyword as staff define it (keyword and aliases already normalised). */
export interface InfoKeywordInput {
  keyword: string;
  aliases: string[];
  replies: InfoReplies;
  validFrom: string | null;
  validTo: string | null;
}

/** The keyword valid now whose keyword or one of whose aliases is exactly `word`, if any. */
export async function activeInfoKeyword(db: Db, word: string, now: Date): Promise<InfoKeyword | undefined> {
  return db
    .selectFrom('info_keywords')
    .selectAll()
    .where((w) => w.or([w('keyword', '=', word), w(sql<string>`${word}`, '=', sql<string>`ANY(aliases)`)]))
    .where((w) => w.or([w('valid_from', 'is', null), w('valid_from', '<=', now)]))
    .where((w) => w.or([w('valid_to', 'is', null), w('valid_to', '>', now)]))
    .orderBy('id')
    .executeTakeFirst();
}

/** Every keyword, by keyword. */
export async function listInfoKeywords(db: Db): Promise<InfoKeyword[]> {
  return db.selectFrom('info_keywords').selectAll().orderBy('keyword').execute();
}

/** Another keyword (not `except`) that already claims one of these words, if any. */
export async function infoKeywordClaiming(db: Db, words: string[], except: string | null): Promise<{ keyword: string } | undefined> {
  let q = db
    .selectFrom('info_keywords')
    .select('keyword')
    .where((w) => w.or([w('keyword', 'in', words), w(sql<string[]>`aliases`, '&&', sql<string[]>`${words}::text[]`)]));
  if (except) q = q.where('keyword', '!=', except);
  return q.executeTakeFirst();
}

/** Creates or replaces a keyword (by keyword). */
export async function saveInfoKeyword(db: Db, k: InfoKeywordInput, staffId: number, now: Date): Promise<InfoKeyword> {
  const row = {
    keyword: k.keyword,
    aliases: k.aliases,
    replies: JSON.stringify(k.replies),
    valid_from: k.validFrom,
    valid_to: k.validTo,
    updated_at: now,
  };
  return db
    .insertInto('info_keywords')
    .values({ ...row, created_by: staffId, created_at: now })
    .onConflict((oc) => oc.column('keyword').doUpdateSet(row))
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** Deletes a keyword; false when there was none. */
export async function deleteInfoKeyword(db: Db, keyword: string): Promise<boolean> {
  const r = await db.deleteFrom('info_keywords').where('keyword', '=', keyword).executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}

/** The reply for a customer: their language and tier, else their language's default, else English. */
export function infoReply(k: InfoKeyword, locale: Locale, tier: Tier | null): string {
  const forLocale = k.replies[locale] ?? k.replies.en;
  return (tier ? forLocale[tier] : undefined) ?? forLocale.default;
}
