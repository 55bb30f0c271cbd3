import type { Db, Locale, MessageClass, Tier } from '../../db/schema';

const CLASS_RANK: Record<MessageClass, number> = { security: 0, transactional: 1, service: 2, marketing: 3 };
const TIER_RANK: Record<Tier, number> = { platinum: 0, gold: 1, standard: 2 };

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

/**
 * Puts messages in the outbound queue, in the caller's transaction (the transactional outbox).
 * A message whose dedupe key is already queued is skipped; returns the ids inserted. `now` is the
 * caller's clock (due time and creation time), so scheduling follows an injected clock in tests.
 */
export async function enqueue(db: Db, messages: OutgoingMessage[], now: Date): Promise<number[]> {
  if (messages.length === 0) return [];
  const rows = await db
    .insertInto('outbound_messages')
    .values(
      messages.map((m) => ({
        to_number: m.to,
        body: m.body,
        locale: m.locale,
        template: m.template,
        class: m.class,
        priority: priorityOf(m.class, m.tier ?? null),
        customer_id: m.customerId ?? null,
        inbound_id: m.inboundId ?? null,
        channel: m.channel ?? null,
        dedupe_key: m.dedupeKey ?? null,
        not_before: m.notBefore ?? now,
        created_at: now,
        expires_at: m.expiresAt ?? null,
      })),
    )
    .onConflict((oc) => oc.column('dedupe_key').doNothing())
    .returning('id')
    .execute();
  return rows.map((r) => r.id);
}
