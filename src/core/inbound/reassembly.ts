import { createHash } from 'node:crypto';
import { type Kysely, sql } from 'kysely';
import type { Database, Db } from '../../db/schema';
import { maskCardNumbers } from '../../domain/pan';
import type { Clock } from '../../shared/clock';
import type { InboundText, ReceivedPart } from '../../transport/types';
import { sanitizeText } from './normalize';
import type { Ingested, InboundPipeline } from './pipeline';

/**
 * What storing a part came to: the set is still incomplete, the part is a late copy of a set
 * already taken in (acknowledged, nothing stored), or its whole text was taken in.
 */
export type PartOutcome = { complete: false; lateCopy?: true } | ({ complete: true } & Ingested);

/** How long the parts of a completed set are remembered (as hashes) to know a late copy. */
export const COMPLETED_SET_MEMORY_MS = 24 * 3600_000;

// Marks the place of a part that never arrived when an incomplete set is taken in after its timeout.
const MISSING = '…';

type Group = { channel: string; sender: string; ref: number; total: number };
type StoredPart = Awaited<ReturnType<typeof partsOf>>[number];

const hashOf = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

/**
 * Stores one part of a concatenated text (keyed by channel, sender, reference and part count). The
 * transport acks once this resolves. When the part completes its set, the whole text goes in by
 * the pipeline's one door with a provider id made of the first part's (so taking it in twice — two
 * last parts at once, a restart before the parts were cleared — is a duplicate, never a second
 * text), and only then are the parts deleted: a restart at any point loses nothing. A copy of a
 * part of a set already taken in (an SMSC delivering it again) is acknowledged and dropped.
 */
export async function storePart(db: Kysely<Database>, pipeline: InboundPipeline, part: ReceivedPart, clock: Clock): Promise<PartOutcome> {
  const group = { channel: part.channel, sender: part.from, ref: part.ref, total: part.total };
  const text = maskCardNumbers(sanitizeText(part.text));
  const receivedAt = part.receivedAt ?? clock();
  if (await wasTakenIn(db, group, part.seq, text, new Date(receivedAt.getTime() - COMPLETED_SET_MEMORY_MS))) return { complete: false, lateCopy: true };
  const parts = await db.transaction().execute(async (trx) => {
    await trx
      .insertInto('inbound_parts')
      .values({ ...group, seq: part.seq, recipient: part.to, provider_id: part.providerId, text, received_at: receivedAt })
      .onConflict((oc) => oc.doNothing())
      .execute();
    return lockedParts(trx, group);
  });
  if (parts.length < group.total) return { complete: false };
  return { complete: true, ...(await takeIn(db, pipeline, group, parts, receivedAt)) };
}

/**
 * Sets still incomplete after `timeoutMs` are taken in with what arrived (a missing part shows as
 * `…`), marked incomplete — answered "part of your message was lost", never read as a command —
 * rather than kept forever or dropped; completed sets past their memory are forgotten. Returns
 * how many sets were flushed.
 */
export async function flushStaleParts(db: Kysely<Database>, pipeline: InboundPipeline, clock: Clock, timeoutMs: number): Promise<number> {
  const now = clock().getTime();
  await db
    .deleteFrom('inbound_sets_done')
    .where('completed_at', '<', new Date(now - COMPLETED_SET_MEMORY_MS))
    .execute();
  const stale = await db
    .selectFrom('inbound_parts')
    .select(['channel', 'sender', 'ref', 'total'])
    .groupBy(['channel', 'sender', 'ref', 'total'])
    .having((eb) => eb.fn.min('received_at'), '<', new Date(now - timeoutMs))
    .execute();
  for (const group of stale) {
    const parts = await db.transaction().execute((trx) => lockedParts(trx, group));
    if (parts.length > 0) await (await takeIn(db, pipeline, group, parts, new Date(now))).handled;
  }
  return stale.length;
}

/** True when this part (same set, same place, same text) belongs to a set taken in since `since`. */
async function wasTakenIn(db: Db, g: Group, seq: number, text: string, since: Date): Promise<boolean> {
  const hit = await db
    .selectFrom('inbound_sets_done')
    .select('seq')
    .where('channel', '=', g.channel)
    .where('sender', '=', g.sender)
    .where('ref', '=', g.ref)
    .where('total', '=', g.total)
    .where('seq', '=', seq)
    .where('part_hash', '=', hashOf(text))
    .where('completed_at', '>=', since)
    .executeTakeFirst();
  return hit !== undefined;
}

/** The parts of a set, under the set's lock (parts of one set arriving at once on several binds: one completes it). */
async function lockedParts(trx: Db, g: Group) {
  await sql`SELECT pg_advisory_xact_lock(hashtext(${`${g.channel}|${g.sender}|${g.ref}|${g.total}`}))`.execute(trx);
  return partsOf(trx, g);
}

function partsOf(db: Db, g: Group) {
  return db
    .selectFrom('inbound_parts')
    .selectAll()
    .where('channel', '=', g.channel)
    .where('sender', '=', g.sender)
    .where('ref', '=', g.ref)
    .where('total', '=', g.total)
    .orderBy('seq')
    .execute();
}

/**
 * The whole text of a set, in by the one door; then, in one statement, the parts it was made of
 * are deleted and remembered as hashes of their text (never the text), so a late copy is known.
 */
async function takeIn(db: Kysely<Database>, pipeline: InboundPipeline, g: Group, parts: StoredPart[], completedAt: Date): Promise<Ingested> {
  const bySeq = new Map(parts.map((p) => [p.seq, p]));
  const first = parts[0];
  const whole: InboundText = {
    channel: g.channel,
    providerId: `${first.provider_id}#${g.ref}/${g.total}`,
    from: g.sender,
    to: first.recipient,
    text: Array.from({ length: g.total }, (_, i) => bySeq.get(i + 1)?.text ?? MISSING).join(''),
    receivedAt: parts.reduce((a, p) => (p.received_at < a ? p.received_at : a), first.received_at),
    incomplete: parts.length < g.total,
  };
  const ingested = await pipeline.ingest(whole);
  await sql`
    WITH gone AS (
      DELETE FROM inbound_parts
       WHERE channel = ${g.channel} AND sender = ${g.sender} AND ref = ${g.ref} AND total = ${g.total}
         AND provider_id = ANY(${parts.map((p) => p.provider_id)}::text[])
   RETURNING seq, text)
    INSERT INTO inbound_sets_done (channel, sender, ref, total, seq, part_hash, completed_at)
    SELECT ${g.channel}, ${g.sender}, ${g.ref}, ${g.total}, seq, encode(sha256(convert_to(text, 'UTF8')), 'hex'), ${completedAt} FROM gone
    ON CONFLICT DO NOTHING`.execute(db);
  return ingested;
}
