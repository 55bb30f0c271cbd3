import type { Kysely } from 'kysely';
import type { Database, Staff } from '../../db/schema';
import { audit } from '../../domain/audit';
import { deleteInfoKeyword, type InfoKeyword, type InfoKeywordInput, infoKeywordClaiming, saveInfoKeyword } from '../../domain/info-keywords';
import type { Command } from '../commands/command';
import { shadowReason } from './keywords';

/** Why a staff keyword was not saved: it would shadow a built-in or carrier word, or another staff keyword claims a word. */
export interface KeywordRefusal {
  title: 'Keyword would shadow a built-in keyword' | 'Keyword already used by another staff keyword';
  keyword: string;
  reason: string;
}

/**
 * Saves a staff keyword (the API's and the console's one way): refused when the keyword or an
 * alias would shadow a built-in or carrier keyword, or another staff keyword has one of its words;
 * audited (`keyword.saved`) with the channel it came through.
 */
export async function saveStaffKeyword(
  db: Kysely<Database>,
  commands: readonly Command[],
  k: InfoKeywordInput,
  staff: Staff,
  now: Date,
  channel: 'api' | 'console',
): Promise<{ row: InfoKeyword } | { refused: KeywordRefusal }> {
  const words = [k.keyword, ...k.aliases];
  for (const w of words) {
    const reason = shadowReason(commands, w);
    if (reason) return { refused: { title: 'Keyword would shadow a built-in keyword', keyword: w, reason } };
  }
  return db.transaction().execute(async (trx) => {
    const other = await infoKeywordClaiming(trx, words, k.keyword);
    if (other)
      return {
        refused: {
          title: 'Keyword already used by another staff keyword',
          keyword: other.keyword,
          reason: `already a word of staff keyword ${other.keyword}`,
        } as const,
      };
    const row = await saveInfoKeyword(trx, k, staff.id, now);
    await audit(trx, {
      actorType: 'staff',
      actorId: staff.id,
      channel,
      action: 'keyword.saved',
      subject: `keyword:${k.keyword}`,
      details: { aliases: k.aliases },
    });
    return { row };
  });
}

/** Deletes a staff keyword, audited (`keyword.deleted`); false when there was none. */
export async function deleteStaffKeyword(db: Kysely<Database>, keyword: string, staff: Staff, channel: 'api' | 'console'): Promise<boolean> {
  const gone = await deleteInfoKeyword(db, keyword);
  if (gone) await audit(db, { actorType: 'staff', actorId: staff.id, channel, action: 'keyword.deleted', subject: `keyword:${keyword}` });
  return gone;
}
