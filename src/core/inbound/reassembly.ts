import { type Kysely, sql } from 'kysely';
import type { Database, Db } from '../../db/schema';
import { maskCardNumbers } from '../../domain/pan';
import type { Clock } from '../../shared/clock';
import type { InboundText, ReceivedPart } from '../../transport/types';
import { sanitizeText } from './normalize';
import type { Ingested, InboundPipeline } from './pipeline';

/** What storing a part came to: the set is still incomplete, or its whole text was taken in. */
export type PartOutcome = { complete: false } | ({ complete: true } & Ingested);

// Marks the place of a part that never arrived when an incomplete set is taken in after its timeout.
const MISSING = '…';

type Group = { channel: string; sender: string; ref: number; total: number };
type StoredPart = Awaited<ReturnType<typeof partsOf>>[number];

/**
 * Stores one part of a concatenated text (keyed by channel, sender, reference and part count). The
 * transport acks once this resolves. When the part completes its set, the whole text goes in by
 * the pipeline's one door with a provider id made of the first part's (so taking it in twice — two
 * last parts at once, a restart before the parts were cleared — is a duplicate, never a second
 * text), and only then are the parts deleted: a restart at any point loses nothing.
 */
export async function storePart(db: Kysely<Database>, pipeline: InboundPipeline, part: ReceivedPart, clock: Clock): Promise<PartOutcome> {
  const group = { channel: part.channel, sender: part.from, ref: part.ref, total: part.total };
  const parts = await db.transaction().execute(async (trx) => {
    await trx
      .insertInto('inbound_parts')
      .values({
        ...group,
        seq: part.seq,
        recipient: part.to,
        provider_id: part.providerId,
        text: maskCardNumbers(sanitizeText(part.text)),
        received_at: part.receivedAt ?? clock(),
      })
      .onConflict((oc) => oc.doNothing())
      .execute();
    return lockedParts(trx, group);
  });
  if (parts.length < group.total) return { complete: false };
  return { complete: true, ...(await takeIn(db, pipeline, group, parts)) };
}

/**
 * Sets still incomplete after `timeoutMs` are taken in with what arrived (a missing part shows as
 * `…`) and handled, rather than kept forever or dropped. Returns how many sets were flushed.
 */
export async function flushStaleParts(db: Kysely<Database>, pipeline: InboundPipeline, clock: Clock, timeoutMs: number): Promise<number> {
  const cutoff = new Date(clock().getTime() - timeoutMs);
  const stale = await db
    .selectFrom('inbound_parts')
    .select(['channel', 'sender', 'ref', 'total'])
    .groupBy(['channel', 'sender', 'ref', 'total'])
    .having((eb) => eb.fn.min('received_at'), '<', cutoff)
    .execute();
  for (const group of stale) {
    const parts = await db.transaction().execute((trx) => lockedParts(trx, group));
    if (parts.length > 0) await (await takeIn(db, pipeline, group, parts)).handled;
  }
  return stale.length;
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

/** The whole text of a set, in by the one door; then the parts it was made of are deleted. */
async function takeIn(db: Kysely<Database>, pipeline: InboundPipeline, g: Group, parts: StoredPart[]): Promise<Ingested> {
  const bySeq = new Map(parts.map((p) => [p.seq, p]));
  const first = parts[0];
  const whole: InboundText = {
    channel: g.channel,
    providerId: `${first.provider_id}#${g.ref}/${g.total}`,
    from: g.sender,
    to: first.recipient,
    text: Array.from({ length: g.total }, (_, i) => bySeq.get(i + 1)?.text ?? MISSING).join(''),
    receivedAt: parts.reduce((a, p) => (p.received_at < a ? p.received_at : a), first.received_at),
  };
  const ingested = await pipeline.ingest(whole);
  await db
    .deleteFrom('inbound_parts')
    .where('channel', '=', g.channel)
    .where('sender', '=', g.sender)
    .where('ref', '=', g.ref)
    .where('total', '=', g.total)
    .where(
      'provider_id',
      'in',
      parts.map((p) => p.provider_id),
    )
    .execute();
  return ingested;
}
