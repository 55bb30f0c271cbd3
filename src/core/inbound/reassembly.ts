import { createHmac } from 'node:crypto';
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

/**
 * Long texts in parts (UDH or SAR): each part is stored in PostgreSQL until its set is complete;
 * the whole text then goes in by the pipeline's one door. Parts of completed sets are remembered
 * for a day as keyed hashes of their text (HMAC with the card-hash key: a part may hold a few digits
 * of a card number that masking cannot see, and an unkeyed hash of a few digits is easily reversed).
 */
export class PartSets {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly pipeline: InboundPipeline,
    private readonly clock: Clock,
    /** The key of the part hashes (the card-hash key). */
    private readonly key: string,
  ) {}

  /**
   * Stores one part of a concatenated text (keyed by channel, sender, reference and part count).
   * The transport acks once this resolves. When the part completes its set, the whole text goes in
   * by the pipeline's one door with a provider id made of the first part's (so taking it in twice —
   * two last parts at once, a restart before the parts were cleared — is a duplicate, never a second
   * text), and only then are the parts deleted: a restart at any point loses nothing. A copy of a
   * part of a set already taken in (an SMSC delivering it again) is acknowledged and dropped.
   */
  async store(part: ReceivedPart): Promise<PartOutcome> {
    const group = { channel: part.channel, sender: part.from, ref: part.ref, total: part.total };
    const text = maskCardNumbers(sanitizeText(part.text));
    const receivedAt = part.receivedAt ?? this.clock();
    if (await this.wasTakenIn(group, part.seq, text, new Date(receivedAt.getTime() - COMPLETED_SET_MEMORY_MS))) return { complete: false, lateCopy: true };
    const parts = await this.db.transaction().execute(async (trx) => {
      await trx
        .insertInto('inbound_parts')
        .values({ ...group, seq: part.seq, recipient: part.to, provider_id: part.providerId, text, received_at: receivedAt })
        .onConflict((oc) => oc.doNothing())
        .execute();
      return lockedParts(trx, group);
    });
    if (parts.length < group.total) return { complete: false };
    return { complete: true, ...(await this.takeIn(group, parts, receivedAt)) };
  }

  /**
   * Sets still incomplete after `timeoutMs` are taken in with what arrived (a missing part shows as
   * `…`), marked incomplete — answered "part of your message was lost", never read as a command —
   * rather than kept forever or dropped; completed sets past their memory are forgotten. Returns
   * how many sets were flushed.
   */
  async flushStale(timeoutMs: number): Promise<number> {
    const now = this.clock().getTime();
    await this.db
      .deleteFrom('inbound_sets_done')
      .where('completed_at', '<', new Date(now - COMPLETED_SET_MEMORY_MS))
      .execute();
    const stale = await this.db
      .selectFrom('inbound_parts')
      .select(['channel', 'sender', 'ref', 'total'])
      .groupBy(['channel', 'sender', 'ref', 'total'])
      .having((eb) => eb.fn.min('received_at'), '<', new Date(now - timeoutMs))
      .execute();
    for (const group of stale) {
      const parts = await this.db.transaction().execute((trx) => lockedParts(trx, group));
      if (parts.length > 0) await (await this.takeIn(group, parts, new Date(now))).handled;
    }
    return stale.length;
  }

  /** A part's text as remembered: its HMAC under the card-hash key. */
  private hashOf(text: string): string {
    return createHmac('sha256', this.key).update(`inbound-part\u0000${text}`, 'utf8').digest('hex');
  }

  /** True when this part (same set, same place, same text) belongs to a set taken in since `since`. */
  private async wasTakenIn(g: Group, seq: number, text: string, since: Date): Promise<boolean> {
    const hit = await this.db
      .selectFrom('inbound_sets_done')
      .select('seq')
      .where('channel', '=', g.channel)
      .where('sender', '=', g.sender)
      .where('ref', '=', g.ref)
      .where('total', '=', g.total)
      .where('seq', '=', seq)
      .where('part_hash', '=', this.hashOf(text))
      .where('completed_at', '>=', since)
      .executeTakeFirst();
    return hit !== undefined;
  }

  /**
   * The whole text of a set, in by the one door; then, in one transaction, the parts it was made of
   * are deleted and remembered as keyed hashes (never their text), so a late copy is known.
   */
  private async takeIn(g: Group, parts: StoredPart[], completedAt: Date): Promise<Ingested> {
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
    const ingested = await this.pipeline.ingest(whole);
    await this.db.transaction().execute(async (trx) => {
      const gone = await trx
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
        .returning(['seq', 'text'])
        .execute();
      if (gone.length === 0) return;
      await trx
        .insertInto('inbound_sets_done')
        .values(gone.map((p) => ({ ...g, seq: p.seq, part_hash: this.hashOf(p.text), completed_at: completedAt })))
        .onConflict((oc) => oc.doNothing())
        .execute();
    });
    return ingested;
  }
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
