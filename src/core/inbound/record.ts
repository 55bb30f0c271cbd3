import { sql } from 'kysely';
import { columns } from '../../db/columns';
import { prepared } from '../../db/connection';
import type { Db } from '../../db/schema';
import { senderColumns } from '../../domain/accounts';
import { maskCardNumbers } from '../../domain/pan';
import { senderAddress } from '../../domain/phone';
import { type BatchText, type RateWindows, textsToday } from './batch';
import { capInboundText, sanitizeText } from './normalize';
import type { InboundText } from '../../transport/types';

/**
 * Whether a text was recorded now or had been already (same channel and provider id), and its
 * text as recorded; a text recorded now with `read` windows comes back as a batch reads it, ready to
 * be answered.
 */
export type Accepted = { id: number; duplicate: boolean; text: string; read?: BatchText };

/**
 * Records texts (card numbers masked, unstorable characters replaced, cut at MAX_INBOUND_CHARS) in one
 * statement. Given `read` (the rate limits' windows), each new text is returned as `readTexts`
 * reads it, in the same statement: its sender's accounts, whether an earlier text of theirs is
 * still unhandled and its rate-limit counts (the statement sees the table as it was before it, so
 * this batch's own texts are counted here).
 */
export async function recordTexts(db: Db, items: InboundText[], defaultRegion: string, now: Date, read?: RateWindows): Promise<Accepted[]> {
  const rows = items.map((sms) => ({
    channel: sms.channel,
    provider_id: sms.providerId,
    from_number: senderAddress(sanitizeText(sms.from), defaultRegion),
    to_number: sanitizeText(sms.to),
    text: capInboundText(maskCardNumbers(sanitizeText(sms.text))),
    received_at: sms.receivedAt ?? now,
    incomplete: sms.incomplete ?? false,
  }));
  const key = (channel: string, providerId: string) => `${channel}\u0000${providerId}`;
  const col = columns(rows);
  const reading = read
    ? sql`m.*, (SELECT count(*)::int FROM inbound_messages i
                 WHERE i.from_number = m.from_number AND i.received_at > ${read.minute} AND i.id < m.id) AS recent,
          ${textsToday(read, '<')} AS today,
          EXISTS (SELECT 1 FROM inbound_messages p WHERE p.from_number = m.from_number AND p.status = 'received') AS behind,
          ${senderColumns('m.from_number')}`
    : sql`m.id, m.channel, m.provider_id`;
  // A provider's retry is caught by inbound_keys (the table is partitioned, so it can hold no unique
  // index on the provider id): each text's id is drawn first, its key inserted, and only the texts
  // whose key was new are recorded.
  const { rows: inserted } = await sql<BatchText>`${prepared}
    WITH r AS MATERIALIZED (
      SELECT nextval('inbound_messages_id_seq') AS id, u.*
        FROM unnest(${col('channel')}::text[], ${col('provider_id')}::text[], ${col('from_number')}::text[], ${col('to_number')}::text[],
                    ${col('text')}::text[], ${col('received_at')}::timestamptz[], ${col('incomplete')}::boolean[])
             AS u(channel, provider_id, from_number, to_number, text, received_at, incomplete)),
    k AS (
      INSERT INTO inbound_keys (channel, provider_id, inbound_id) SELECT channel, provider_id, id FROM r
      ON CONFLICT DO NOTHING
      RETURNING inbound_id)
    INSERT INTO inbound_messages AS m (id, channel, provider_id, from_number, to_number, text, received_at, incomplete)
    SELECT * FROM r WHERE r.id IN (SELECT inbound_id FROM k)
    RETURNING ${reading}`.execute(db);
  if (read) countBatch(inserted, read);
  const fresh = new Map(inserted.map((r) => [key(r.channel, r.provider_id), r]));
  const missing = rows.filter((r) => !fresh.has(key(r.channel, r.provider_id)));
  const existing = new Map<string, number>();
  if (missing.length > 0) {
    const { rows: found } = await sql<{ id: number; channel: string; provider_id: string }>`
      SELECT inbound_id AS id, channel, provider_id FROM inbound_keys
       WHERE (channel, provider_id) IN (SELECT * FROM unnest(${missing.map((r) => r.channel)}::text[], ${missing.map((r) => r.provider_id)}::text[]))`.execute(
      db,
    );
    for (const r of found) existing.set(key(r.channel, r.provider_id), r.id);
  }
  // A provider id twice in one batch: the first is the new text, the second its duplicate.
  return rows.map((r) => {
    const k = key(r.channel, r.provider_id);
    const row = fresh.get(k);
    if (row !== undefined) {
      fresh.delete(k);
      existing.set(k, row.id);
      return { id: row.id, duplicate: false, text: r.text, read: read ? row : undefined };
    }
    return { id: existing.get(k)!, duplicate: true, text: r.text };
  });
}

/** Adds to each text's rate-limit counts the texts of this batch from its sender up to it. */
function countBatch(rows: BatchText[], w: RateWindows): void {
  const seen = new Map<string, { minute: number; day: number }>();
  for (const r of [...rows].sort((a, b) => a.id - b.id)) {
    const before = seen.get(r.from_number) ?? { minute: 0, day: 0 };
    const n = { minute: before.minute + (r.received_at > w.minute ? 1 : 0), day: before.day + (r.received_at > w.day ? 1 : 0) };
    seen.set(r.from_number, n);
    r.recent += n.minute;
    r.today = Math.min(w.dayCap, r.today + n.day);
  }
}
