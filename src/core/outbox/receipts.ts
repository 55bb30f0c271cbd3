import { type Kysely, sql } from 'kysely';
import type { Database, Db, OutboundStatus } from '../../db/schema';
import type { DeliveryReport, ReportOutcome } from '../../transport/types';
import { deliveryLatency, outboundTotal, secondsSince } from '../../shared/metrics';
import { recentIds } from '../../db/partitions';
import { type IdConvention, readIdAs } from '../../shared/id-readings';
import { conventionsMatching, ReceiptConventions } from './receipt-conventions';

/** What each gateway (its database handle) has learned of its channels' receipt ids. */
const learnedBy = new WeakMap<Kysely<Database>, ReceiptConventions>();

/** A receipt names a message sent at most this many days ago (SMSC validity is days; a receipt for an older one waits unmatched). */
const RECEIPT_DAYS = 35;

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

/** A report as stored: with its delivery_reports id. */
type StoredReport = DeliveryReport & { id: number };

/** What applying a report moved, for the metrics: counted once its transaction has committed. */
interface Moved {
  channel: string;
  class: string;
  status: OutboundStatus;
  sentAt: Date | null;
}

/** Records one receipt or status callback and applies it if its message can be found (see recordReports). */
export async function recordReport(db: Kysely<Database>, report: DeliveryReport): Promise<ReportOutcome> {
  return (await recordReports(db, [report]))[0];
}

/**
 * Records receipts and status callbacks in one INSERT, then applies them. The reports are committed
 * before the lookup: a message marked sent meanwhile either is seen by the lookup or, once
 * committed, finds the report among the waiting ones (applyWaitingReports). In one transaction the
 * two could miss each other and the report would wait forever. One statement and one transaction
 * for a batch, not seven round trips per receipt: at a few thousand receipts a second the
 * per-receipt transactions held the pool and campaign sends waited behind them (bench:campaign).
 */
export async function recordReports(db: Kysely<Database>, reports: DeliveryReport[]): Promise<ReportOutcome[]> {
  if (reports.length === 0) return [];
  // Ids taken first, so each report knows its row whatever order the INSERT returns them in.
  const { rows } = await sql<{ id: string }>`
    SELECT nextval(pg_get_serial_sequence('delivery_reports', 'id')) AS id FROM generate_series(1, ${reports.length}::int)`.execute(db);
  const stored = reports.map((r, i) => ({ ...r, id: Number(rows[i].id) }));
  await db
    .insertInto('delivery_reports')
    .values(
      stored.map((r) => ({
        id: r.id,
        channel: r.channel,
        provider_id: r.providerId,
        alternatives: r.alternatives ?? [],
        state: r.state,
        error_code: r.errorCode ?? null,
      })),
    )
    .execute();
  return applyAll(db, stored);
}

/** Applies reports that arrived before their message's provider ids were recorded. */
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
  const outcomes = await applyAll(
    db,
    waiting.map((r) => ({
      id: Number(r.id),
      channel: r.channel,
      providerId: r.provider_id,
      alternatives: r.alternatives,
      state: r.state as DeliveryReport['state'],
      errorCode: r.error_code ?? undefined,
    })),
  );
  return outcomes.filter((o) => o === 'applied').length;
}

/**
 * Applies reports in order in one transaction; if it fails (a deadlock with a sent mark or another
 * batch locking the same messages in another order), each in a transaction of its own. The
 * metrics move once what they count has committed.
 */
async function applyAll(db: Kysely<Database>, reports: StoredReport[]): Promise<ReportOutcome[]> {
  if (reports.length === 0) return [];
  const conventions = learnedBy.get(db) ?? learnedBy.set(db, new ReceiptConventions()).get(db)!;
  const applyIn = async (some: StoredReport[]) => {
    const moved: Moved[] = [];
    const outcomes = await db.transaction().execute(async (trx) => {
      const out: ReportOutcome[] = [];
      for (const r of some) out.push(await applyReport(trx, r, moved, conventions));
      return out;
    });
    for (const m of moved) {
      if (m.status !== 'sent') outboundTotal.inc({ channel: m.channel, class: m.class, status: m.status });
      if (m.status === 'delivered' && m.sentAt) deliveryLatency.observe(secondsSince(m.sentAt));
    }
    return outcomes;
  };
  try {
    return await applyIn(reports);
  } catch (err) {
    if (reports.length === 1) throw err;
    const outcomes: ReportOutcome[] = [];
    for (const r of reports) outcomes.push(...(await applyIn([r])));
    return outcomes;
  }
}

/**
 * The row a report names: the one whose provider id is the reading of the convention its channel
 * has shown (`learned`, see ReceiptConventions) and no other; without one, the literal reading; else, when converted
 * readings (hex against decimal) are all that match, the one message they name — never a guess
 * between two (SMSCs that mix conventions: set SMPP_RECEIPT_ID_FORMAT).
 */
function named<T extends { provider_id: string | null; outbound_id: number }>(rows: T[], literal: string, learned?: IdConvention): T | undefined {
  // A learned convention is the only reading: falling back to the literal one would settle the
  // message it names while the receipt's own message is not marked sent yet.
  if (learned) return rows.find((r) => r.provider_id === (readIdAs(literal, learned) ?? literal));
  const exact = rows.find((r) => r.provider_id === literal);
  if (exact) return exact;
  return new Set(rows.map((r) => r.outbound_id)).size === 1 ? rows[0] : undefined;
}

/** A part or message a receipt's ids name: parts by any id, messages sent within RECEIPT_DAYS of `now`. */
export type ReportTarget = { part: boolean; outbound_id: number; part_no: number | null; status: OutboundStatus | null; provider_id: string | null };

/**
 * The parts and messages whose provider id is one of `ids`, read in one statement, so in one
 * snapshot: a multi-part message's sent mark (its provider id and its parts, one transaction) is
 * seen whole or not at all — read apart, a receipt for part 1 could find the message by its first
 * part's id before the parts, and settle it. Messages are looked for in the partitions of the last
 * RECEIPT_DAYS only (bench:growth).
 */
export async function findReportTargets(db: Db, channel: string, ids: string[], now: Date): Promise<ReportTarget[]> {
  const { rows } = await sql<ReportTarget>`
    SELECT true AS part, outbound_id, part_no, status, provider_id FROM outbound_parts WHERE channel = ${channel} AND provider_id = ANY(${ids}::text[])
    UNION ALL
    (SELECT false, id, NULL, NULL, provider_id FROM outbound_messages
      WHERE channel = ${channel} AND provider_id = ANY(${ids}::text[]) AND ${recentIds('id', now, RECEIPT_DAYS)} LIMIT 10)`.execute(db);
  return rows;
}

async function applyReport(db: Db, report: StoredReport, moved: Moved[], conventions: ReceiptConventions): Promise<ReportOutcome> {
  const target = TARGET[report.state];
  const found = await findReportTargets(db, report.channel, [report.providerId, ...(report.alternatives ?? [])], new Date());
  const learned = conventions.learned(report.channel);
  if (report.alternatives?.length) {
    const shown = conventionsMatching(
      report.providerId,
      found.map((r) => r.provider_id!),
    );
    if (shown.length === 1) conventions.observe(report.channel, shown[0]!);
  }
  const partRows = found.filter((r) => r.part).map((r) => ({ ...r, part_no: r.part_no!, status: r.status!, outbound_id: Number(r.outbound_id) }));
  const part = named(partRows, report.providerId, learned);
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
    const msg = named(
      found.filter((r) => !r.part).map((r) => ({ ...r, outbound_id: Number(r.outbound_id) })),
      report.providerId,
      learned,
    );
    if (!msg) return 'unmatched';
    outboundId = msg.outbound_id;
  }
  await db.updateTable('delivery_reports').set({ outbound_id: outboundId }).where('id', '=', report.id).execute();
  if (!status) return 'stale';
  const row = await db
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
  if (!row) return 'stale';
  moved.push({ channel: row.channel ?? report.channel, class: row.class, status, sentAt: row.sent_at });
  return 'applied';
}
