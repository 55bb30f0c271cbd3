import { type Kysely, sql } from 'kysely';
import type { Database, Db, OutboundStatus } from '../../db/schema';
import type { DeliveryReport, ReportOutcome } from '../../transport/types';
import { deliveryLatency, outboundTotal, secondsSince } from '../../shared/metrics';

const TARGET: Readonly<Record<DeliveryReport['state'], OutboundStatus | null>> = {
  accepted: 'sent',
  sent: 'sent',
  delivered: 'delivered',
  undelivered: 'undelivered',
  failed: 'failed',
  expired: 'expired',
  unknown: null,
};

// Monotonic transitions: the states a message may be in for a report to move it to each target.
// Final states (delivered, undelivered, failed, expired, blocked) never move again.
const ALLOWED_FROM: Readonly<Record<string, readonly OutboundStatus[]>> = {
  sent: ['sending', 'unknown'],
  delivered: ['sending', 'sent', 'unknown'],
  undelivered: ['sending', 'sent', 'unknown'],
  failed: ['sending', 'sent', 'unknown'],
  expired: ['sending', 'sent', 'unknown'],
};

const FINAL = new Set(['delivered', 'undelivered', 'failed', 'expired']);

/**
 * Records a receipt or status callback and applies it if its message can be found. The report is
 * committed before the lookup: a message marked sent meanwhile either is seen by the lookup or,
 * once committed, finds the report among the waiting ones (applyWaitingReports). In one
 * transaction the two could miss each other and the report would wait forever.
 */
export async function recordReport(db: Kysely<Database>, report: DeliveryReport): Promise<ReportOutcome> {
  const { id } = await db
    .insertInto('delivery_reports')
    .values({
      channel: report.channel,
      provider_id: report.providerId,
      alternatives: report.alternatives ?? [],
      state: report.state,
      error_code: report.errorCode ?? null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return db.transaction().execute((trx) => applyReport(trx, { id, ...report }));
}

/** Applies reports that arrived before their message's provider ids were recorded, each in its own transaction. */
export async function applyWaitingReports(db: Kysely<Database>, channel: string, providerIds: string[]): Promise<number> {
  if (providerIds.length === 0) return 0;
  const waiting = await db
    .selectFrom('delivery_reports')
    .select(['id', 'channel', 'provider_id', 'alternatives', 'state', 'error_code'])
    .where('outbound_id', 'is', null)
    .where('channel', '=', channel)
    .where(sql<boolean>`(provider_id = ANY(${sql.val(providerIds)}::text[]) OR alternatives && ${sql.val(providerIds)}::text[])`)
    .orderBy('id')
    .execute();
  let applied = 0;
  for (const r of waiting) {
    const report = {
      id: r.id,
      channel: r.channel,
      providerId: r.provider_id,
      alternatives: r.alternatives,
      state: r.state as DeliveryReport['state'],
      errorCode: r.error_code ?? undefined,
    };
    const outcome = await db.transaction().execute((trx) => applyReport(trx, report));
    if (outcome === 'applied') applied++;
  }
  return applied;
}

/**
 * The row a report names: the one whose provider id is the report's literal reading; else, when
 * converted readings (hex against decimal) are all that match, the one message they name — never a
 * guess between two (SMSCs that mix conventions: set SMPP_RECEIPT_ID_FORMAT).
 */
function named<T extends { provider_id: string | null; outbound_id: number }>(rows: T[], literal: string): T | undefined {
  const exact = rows.find((r) => r.provider_id === literal);
  if (exact) return exact;
  return new Set(rows.map((r) => r.outbound_id)).size === 1 ? rows[0] : undefined;
}

async function applyReport(db: Db, report: DeliveryReport & { id: number }): Promise<ReportOutcome> {
  const target = TARGET[report.state];
  const ids = [report.providerId, ...(report.alternatives ?? [])];
  const partRows = await db
    .selectFrom('outbound_parts')
    .select(['outbound_id', 'part_no', 'status', 'provider_id'])
    .where('channel', '=', report.channel)
    .where('provider_id', 'in', ids)
    .execute();
  const part = named(partRows, report.providerId);
  let outboundId: number;
  let status: OutboundStatus | null = target;
  if (part) {
    outboundId = part.outbound_id;
    // Receipts for two parts can arrive at once: lock the message so one sees the other's part.
    const msg = await db.selectFrom('outbound_messages').select('segments').where('id', '=', outboundId).forUpdate().executeTakeFirstOrThrow();
    if (target && FINAL.has(target) && !FINAL.has(part.status)) {
      await db
        .updateTable('outbound_parts')
        .set({ status: target, error_code: report.errorCode ?? null, updated_at: sql`now()` })
        .where('outbound_id', '=', part.outbound_id)
        .where('part_no', '=', part.part_no)
        .execute();
    }
    // A multi-part message is settled once every part is: delivered only when all parts are (and
    // all were sent: a message whose last parts wait to go again is not settled by the first ones).
    const parts = await db.selectFrom('outbound_parts').select('status').where('outbound_id', '=', outboundId).execute();
    const allSent = parts.length >= (msg.segments ?? parts.length);
    status =
      allSent && parts.every((p) => FINAL.has(p.status))
        ? ((parts.find((p) => p.status !== 'delivered')?.status ?? 'delivered') as OutboundStatus)
        : target === 'sent'
          ? 'sent'
          : null;
  } else {
    const rows = await db
      .selectFrom('outbound_messages')
      .select(['id as outbound_id', 'provider_id'])
      .where('channel', '=', report.channel)
      .where('provider_id', 'in', ids)
      .limit(10)
      .execute();
    const msg = named(rows, report.providerId);
    if (!msg) return 'unmatched';
    outboundId = msg.outbound_id;
  }
  await db.updateTable('delivery_reports').set({ outbound_id: outboundId }).where('id', '=', report.id).execute();
  if (!status) return 'stale';
  const moved = await db
    .updateTable('outbound_messages')
    .set({
      status,
      last_error: report.errorCode ? `${report.state} ${report.errorCode}` : undefined,
      settled_at: FINAL.has(status) ? sql`now()` : undefined,
      updated_at: sql`now()`,
    })
    .where('id', '=', outboundId)
    .where('status', 'in', ALLOWED_FROM[status] as OutboundStatus[])
    .returning(['class', 'channel', 'sent_at'])
    .executeTakeFirst();
  if (!moved) return 'stale';
  if (status !== 'sent') outboundTotal.inc({ channel: moved.channel ?? report.channel, class: moved.class, status });
  if (status === 'delivered' && moved.sent_at) deliveryLatency.observe(secondsSince(moved.sent_at));
  return 'applied';
}
