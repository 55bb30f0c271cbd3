import { sql } from 'kysely';
import type { Db } from '../db/schema';

/** Texts recorded as not understood, grouped as typed (case and spacing aside). */
export interface UnknownTextRow {
  /** One text of the group as it was recorded (card numbers were masked then). */
  text: string;
  count: number;
  last_at: Date;
}

/**
 * The groups of texts recorded as not understood (`command = 'unknown'`) since a moment, most
 * frequent first, at most `limit` of them; the caller merges groups further (by the parser's form).
 */
export async function unknownTextRows(db: Db, since: Date, limit: number): Promise<UnknownTextRow[]> {
  const { rows } = await sql<UnknownTextRow>`
    SELECT min(text) AS text, count(*)::int AS count, max(received_at) AS last_at
      FROM inbound_messages
     WHERE command = 'unknown' AND received_at >= ${since}
     GROUP BY lower(regexp_replace(btrim(text), '\\s+', ' ', 'g'))
     ORDER BY count(*) DESC, max(received_at) DESC
     LIMIT ${limit}`.execute(db);
  return rows;
}
