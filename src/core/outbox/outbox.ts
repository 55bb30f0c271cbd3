import { sql } from 'kysely';
import { columns } from '../../db/columns';
import type { Db, Locale, MessageClass, Tier } from '../../db/schema';
import { measure } from '../../transport/codec/gsm7';
import type { Templates } from '../templates';

const CLASS_RANK: Record<MessageClass, number> = { security: 0, transactional: 1, service: 2, marketing: 3 };
const TIER_RANK: Record<Tier, number> = { platinum: 0, gold: 1, standard: 2 };

/** Priorities below this are security, transactional and service messages; marketing is at or above. */
export const MARKETING_PRIORITY = CLASS_RANK.marketing * 10;

/**
 * Sort key of a message (lower goes first): security before transactional before service before
 * marketing; within a class, higher tiers first; unknown senders last in their class.
 */
export function priorityOf(cls: MessageClass, tier: Tier | null): number {
  return CLASS_RANK[cls] * 10 + (tier ? TIER_RANK[tier] : 3);
}

/** One message to send. */
export interface OutgoingMessage {
  to: string;
  body: string;
  locale: Locale;
  template: string;
  class: MessageClass;
  tier?: Tier | null;
  customerId?: number | null;
  inboundId?: number | null;
  channel?: string | null;
  dedupeKey?: string | null;
  notBefore?: Date;
  expiresAt?: Date | null;
}

/** Writes messages to the outbound queue: the one way anything is sent. */
export class Outbox {
  constructor(private readonly templates: Templates) {}

  /**
   * Queues messages in the caller's transaction (the transactional outbox). Marketing gets the
   * unsubscribe line of its language; encoding and segment count are recorded. A message whose
   * dedupe key was queued before is skipped. `now` is the caller's clock. Returns the new ids.
   */
  async enqueue(db: Db, messages: OutgoingMessage[], now: Date): Promise<number[]> {
    if (messages.length === 0) return [];
    const rows = messages.map((m) => {
      const body = m.class === 'marketing' ? this.withOptOut(m.body, m.locale) : m.body;
      const { encoding, segments } = measure(body);
      return {
        to_number: m.to,
        body,
        locale: m.locale,
        template: m.template,
        class: m.class,
        priority: priorityOf(m.class, m.tier ?? null),
        customer_id: m.customerId ?? null,
        inbound_id: m.inboundId ?? null,
        channel: m.channel ?? null,
        dedupe_key: m.dedupeKey ?? null,
        not_before: m.notBefore ?? now,
        expires_at: m.expiresAt ?? null,
        created_at: now,
        encoding,
        segments,
      };
    });
    const col = columns(rows);
    const { rows: inserted } = await sql<{ id: number }>`
      INSERT INTO outbound_messages (to_number, body, locale, template, class, priority, customer_id, inbound_id, channel,
                                     dedupe_key, not_before, expires_at, created_at, encoding, segments)
      SELECT * FROM unnest(${col('to_number')}::text[], ${col('body')}::text[], ${col('locale')}::text[], ${col('template')}::text[],
                           ${col('class')}::text[], ${col('priority')}::smallint[], ${col('customer_id')}::int[], ${col('inbound_id')}::bigint[],
                           ${col('channel')}::text[], ${col('dedupe_key')}::text[], ${col('not_before')}::timestamptz[],
                           ${col('expires_at')}::timestamptz[], ${col('created_at')}::timestamptz[], ${col('encoding')}::text[], ${col('segments')}::smallint[])
      ON CONFLICT (dedupe_key) WHERE dedupe_key IS NOT NULL DO NOTHING
      RETURNING id`.execute(db);
    return inserted.map((r) => r.id);
  }

  /** A marketing text with its opt-out line (`回复TD退订`, `Reply STOP to opt out`). */
  withOptOut(body: string, locale: Locale): string {
    const line = this.templates.render(locale, 'consent.unsubscribe');
    return body.includes(line) ? body : `${body}${locale === 'en' ? ' ' : ''}${line}`;
  }
}
