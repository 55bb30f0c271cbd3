import { type Kysely, sql, type Transaction } from 'kysely';
import type { Database } from '../db/schema';
import type { ReceivedPart } from '../transport/types';
import type { Clock } from './clock';
import { maskCardNumbers } from '../domain/pan';
import type { InboundPipeline } from './pipeline';
import { sanitizeText } from './normalize';

/** What storing a part came to. */
export type PartOutcome = { complete: false } | { complete: true; id: number; duplicate: boolean };

// Marks the place of a part that never arrived when an incomplete set is processed after its timeout.
const MISSING = '…';

/**
 * Stores one part of a concatenated text (keyed by channel, sender, reference and part count) and,
 * when it completes the set, records the whole text as one inbound message and deletes the parts —
 * all in one transaction, so a restart between parts, or between the last part and the record,
 * loses nothing. A repeated part changes nothing. The transport acks once this resolves.
 */
export async function storePart(db: Kysely<Database>, pipeline: InboundPipeline, part: ReceivedPart, clock: Clock): Promise<PartOutcome> {
  const group = { channel: part.channel, sender: part.from, ref: part.ref, total: part.total };
  const outcome = await db.transaction().execute(async (trx): Promise<PartOutcome> => {
    await trx
      .insertInto('inbound_parts')
      .values({ ...group, seq: part.seq, recipient: part.to, provider_id: part.providerId, text: maskCardNumbers(sanitizeText(part.text)), received_at: part.receivedAt ?? clock() })
      .onConflict((oc) => oc.doNothing())
      .execute();
    // Parts of one set arriving at once on several binds: one of them completes it.
    await sql`SELECT pg_advisory_xact_lock(hashtext(${`${group.channel}|${group.sender}|${group.ref}|${group.total}`}))`.execute(trx);
    const parts = await partsOf(trx, group);
    if (parts.length < group.total) return { complete: false };
    return { complete: true, ...(await assemble(trx, pipeline, group, parts)) };
  });
  if (outcome.complete && !outcome.duplicate) await pipeline.process(outcome.id);
  return outcome;
}

/**
 * Sets still incomplete after `timeoutMs` are recorded with what arrived (a missing part shows as
 * `…`) and processed, rather than kept forever or dropped. Returns how many sets were flushed.
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
    const done = await db.transaction().execute(async (trx) => {
      await sql`SELECT pg_advisory_xact_lock(hashtext(${`${group.channel}|${group.sender}|${group.ref}|${group.total}`}))`.execute(trx);
      const parts = await partsOf(trx, group);
      return parts.length > 0 ? assemble(trx, pipeline, group, parts) : undefined;
    });
    if (done && !done.duplicate) await pipeline.process(done.id);
  }
  return stale.length;
}

type Group = { channel: string; sender: string; ref: number; total: number };

function partsOf(db: Kysely<Database> | Transaction<Database>, g: Group) {
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

async function assemble(trx: Transaction<Database>, pipeline: InboundPipeline, g: Group, parts: Awaited<ReturnType<typeof partsOf>>) {
  const bySeq = new Map(parts.map((p) => [p.seq, p]));
  const text = Array.from({ length: g.total }, (_, i) => bySeq.get(i + 1)?.text ?? MISSING).join('');
  const first = parts[0];
  const accepted = await pipeline.accept(
    { channel: g.channel, providerId: `${first.provider_id}#${g.ref}/${g.total}`, from: g.sender, to: first.recipient, text, receivedAt: parts.reduce((a, p) => (p.received_at < a ? p.received_at : a), first.received_at) },
    trx,
  );
  await trx.deleteFrom('inbound_parts').where('channel', '=', g.channel).where('sender', '=', g.sender).where('ref', '=', g.ref).where('total', '=', g.total).execute();
  return accepted;
}
