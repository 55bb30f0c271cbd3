import { type RawBuilder, sql } from 'kysely';
import { columns } from '../../db/columns';
import type { Db, Locale, MessageClass, Tier } from '../../db/schema';
import { fitSegments, measure } from '../../transport/codec/gsm7';
import type { Templates } from '../messaging/templates';
import { CLAIMED_COLUMNS, type ClaimedMessage } from './claim';

/** What goes between a marketing text and its opt-out line: a line break (one GSM-7 septet), so the line reads as its own sentence. */
export const OPT_OUT_SEPARATOR = '\n';

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

/** A dispatcher that takes messages queued already claimed for it (see Outbox.insert). */
export interface HandOff {
  /** Until when such messages are leased; null when it takes none now (stopping): queue them as usual. */
  lease(now: Date): Date | null;
  /** Sends messages whose claimed rows have been committed. */
  send(rows: ClaimedMessage[]): void;
}

/** Writes messages to the outbound queue: the one way anything is sent. */
export class Outbox {
  constructor(
    private readonly templates: Templates,
    /** The most segments one message may take; a longer body is cut (its opt-out line kept). */
    private readonly maxSegments = 10,
  ) {}

  /**
   * Queues messages in the caller's transaction (the transactional outbox). Marketing gets the
   * unsubscribe line of its language; encoding and segment count are recorded. A message whose
   * dedupe key was queued before is skipped. `now` is the caller's clock. Returns the new ids.
   */
  async enqueue(db: Db, messages: OutgoingMessage[], now: Date): Promise<number[]> {
    if (messages.length === 0) return [];
    const { rows } = await this.insert(messages, now, null).execute(db);
    return rows.map((r) => r.id);
  }

  /**
   * The INSERT behind `enqueue`, as a whole statement; `ctes` (without `WITH`) are the caller's own
   * common table expressions, which `where` may use (`WITH marked AS (…) <insert>`). Given
   * `lockedUntil`, the rows are queued already claimed by this process's dispatcher (`sending`, first
   * attempt, leased, not handed) and come back as a claim returns them: a reply goes to the transport
   * once the transaction commits, with no claim statement and no wait for a worker. If the process
   * dies first, the lease runs out and the row is requeued. `where` may filter the rows (alias `r`).
   * A message with a dedupe key is queued only if its key goes into `outbound_keys` (the table is
   * partitioned, so the key can have no unique index of its own there). Given `finish`, the INSERT
   * becomes the CTE `ins` and `finish` the statement's last part (to return more than the rows).
   */
  insert<R = ClaimedMessage>(
    messages: OutgoingMessage[],
    now: Date,
    lockedUntil: Date | null,
    where: RawBuilder<unknown> = sql`true`,
    ctes?: RawBuilder<unknown>,
    finish?: RawBuilder<R>,
  ): RawBuilder<R> {
    const col = columns(this.rows(messages, now));
    const claimed = lockedUntil ? sql`'sending', 1, ${lockedUntil}::timestamptz` : sql`'queued', 0, NULL::timestamptz`;
    const keyed = messages.some((m) => m.dedupeKey);
    const rows = sql`
        FROM unnest(${col('to_number')}::text[], ${col('body')}::text[], ${col('locale')}::text[], ${col('template')}::text[],
                    ${col('class')}::text[], ${col('priority')}::smallint[], ${col('customer_id')}::int[], ${col('inbound_id')}::bigint[],
                    ${col('channel')}::text[], ${col('dedupe_key')}::text[], ${col('not_before')}::timestamptz[],
                    ${col('expires_at')}::timestamptz[], ${col('created_at')}::timestamptz[], ${col('encoding')}::text[], ${col('segments')}::smallint[])
             AS r(to_number, body, locale, template, class, priority, customer_id, inbound_id, channel, dedupe_key, not_before, expires_at,
                  created_at, encoding, segments)
       WHERE ${where}`;
    const keys = sql`
      r AS MATERIALIZED (SELECT nextval('outbound_messages_id_seq') AS id, r.* ${rows}),
      k AS (INSERT INTO outbound_keys (dedupe_key, outbound_id) SELECT dedupe_key, id FROM r WHERE dedupe_key IS NOT NULL
            ON CONFLICT DO NOTHING RETURNING outbound_id)`;
    const head = [ctes, keyed ? keys : undefined].filter((c) => c !== undefined);
    const insert = sql`
      INSERT INTO outbound_messages AS o (${keyed ? sql`id, ` : sql``}to_number, body, locale, template, class, priority, customer_id, inbound_id, channel,
                                          dedupe_key, not_before, expires_at, created_at, encoding, segments, status, attempts, locked_until)
      SELECT ${keyed ? sql`r.*, ${claimed} FROM r WHERE r.dedupe_key IS NULL OR r.id IN (SELECT outbound_id FROM k)` : sql`*, ${claimed} ${rows}`}
      RETURNING ${lockedUntil ? CLAIMED_COLUMNS : sql`o.id`}`;
    if (finish) return sql<R>`WITH ${sql.join([...head, sql`ins AS (${insert})`])} ${finish}`;
    return sql<R>`${head.length > 0 ? sql`WITH ${sql.join(head)}` : sql``} ${insert}`;
  }

  private rows(messages: OutgoingMessage[], now: Date) {
    return messages.map((m) => {
      const body = m.class === 'marketing' ? this.withOptOut(m.body, m.locale) : fitSegments(m.body, this.maxSegments);
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
  }

  /** A marketing text with its opt-out line on a line of its own (`回复TD退订`, `Reply STOP to opt out`), cut to the segment cap before the line. */
  withOptOut(body: string, locale: Locale): string {
    const line = this.templates.render(locale, 'consent.unsubscribe');
    if (body.includes(line)) return fitSegments(body, this.maxSegments);
    return fitSegments(body, this.maxSegments, `${OPT_OUT_SEPARATOR}${line}`);
  }
}
