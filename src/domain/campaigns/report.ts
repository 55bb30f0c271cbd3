import { sql } from 'kysely';
import type { Db } from '../../db/schema';
import { EXCLUSION_REASONS } from './audience';

/** A campaign's outcome so far: who it reached and how, over time. */
export interface CampaignReport {
  campaign: number;
  targeted: number;
  excluded: Record<string, number>;
  queued: number;
  sent: number;
  delivered: number;
  failed: number;
  expired: number;
  /** Refused at send time (opted out meanwhile, weekly cap, cancelled), by reason. */
  blocked: Record<string, number>;
  /** Still queued or being sent. */
  pending: number;
  segments: number;
  /** Texts from recipients starting with the promoted keyword within 7 days of their campaign text. */
  replies: number;
  /** Recipients whose number opted out (STOP/TD) within 7 days of the run that targeted them. */
  optOuts: number;
  perMinute: { minute: string; sent: number; delivered: number; failed: number }[];
}

/** The report of one campaign, from its runs, its texts, the replies and the opt-outs, in four queries. */
export async function campaignReport(db: Db, campaignId: number): Promise<CampaignReport> {
  const runs = await db.selectFrom('campaign_runs').select(['targeted', 'excluded']).where('campaign_id', '=', campaignId).execute();
  const excluded: Record<string, number> = Object.fromEntries(EXCLUSION_REASONS.map((r) => [r, 0]));
  for (const r of runs) for (const [k, n] of Object.entries(r.excluded)) excluded[k] = (excluded[k] ?? 0) + n;
  const { rows: totals } = await sql<{ status: string; reason: string | null; n: number; sent: number; segments: number }>`
    SELECT status, CASE WHEN status = 'blocked' THEN coalesce(last_error, 'blocked') END AS reason, count(*)::int AS n,
           count(*) FILTER (WHERE sent_at IS NOT NULL)::int AS sent, coalesce(sum(segments), 0)::int AS segments
      FROM outbound_messages WHERE campaign_id = ${campaignId} GROUP BY 1, 2`.execute(db);
  const by = (...statuses: string[]) => totals.filter((t) => statuses.includes(t.status)).reduce((n, t) => n + t.n, 0);
  const blocked: Record<string, number> = {};
  for (const t of totals) if (t.status === 'blocked') blocked[t.reason!] = t.n;
  const { rows: responses } = await sql<{ replies: number; opt_outs: number }>`
    SELECT (SELECT count(DISTINCT i.id)::int
              FROM outbound_messages o JOIN campaigns p ON p.id = o.campaign_id
              JOIN inbound_messages i ON i.from_number = o.to_number AND i.received_at >= o.sent_at AND i.received_at < o.sent_at + interval '7 days'
             WHERE o.campaign_id = ${campaignId} AND o.sent_at IS NOT NULL AND p.promoted_keyword IS NOT NULL
               AND upper(i.text) LIKE p.promoted_keyword || '%') AS replies,
           (SELECT count(DISTINCT s.mobile)::int
              FROM campaign_runs u JOIN campaign_recipients r ON r.run_id = u.id JOIN customers c ON c.id = r.customer_id
              JOIN suppressions s ON s.mobile = c.mobile AND s.created_at >= u.started_at AND s.created_at < u.started_at + interval '7 days'
             WHERE u.campaign_id = ${campaignId}) AS opt_outs`.execute(db);
  const { rows: perMinute } = await sql<{ minute: Date; sent: number; delivered: number; failed: number }>`
    SELECT date_trunc('minute', sent_at) AS minute, count(*)::int AS sent, count(*) FILTER (WHERE status = 'delivered')::int AS delivered,
           count(*) FILTER (WHERE status IN ('failed', 'undelivered'))::int AS failed
      FROM outbound_messages WHERE campaign_id = ${campaignId} AND sent_at IS NOT NULL GROUP BY 1 ORDER BY 1`.execute(db);
  return {
    campaign: campaignId,
    targeted: runs.reduce((n, r) => n + r.targeted, 0),
    excluded,
    queued: totals.reduce((n, t) => n + t.n, 0),
    sent: totals.reduce((n, t) => n + t.sent, 0),
    delivered: by('delivered'),
    failed: by('failed', 'undelivered'),
    expired: by('expired'),
    blocked,
    pending: by('queued', 'sending'),
    segments: totals.reduce((n, t) => n + t.segments, 0),
    replies: responses[0].replies,
    optOuts: responses[0].opt_outs,
    perMinute: perMinute.map((m) => ({ minute: m.minute.toISOString(), sent: m.sent, delivered: m.delivered, failed: m.failed })),
  };
}

const csvCell = (v: string | number) => (/[",\n]/.test(String(v)) ? `"${String(v).replace(/"/g, '""')}"` : String(v));

/** A report as CSV: `metric,value` lines (exclusions and blocks by reason), then the per-minute series. */
export function reportCsv(r: CampaignReport): string {
  const lines: (string | number)[][] = [['metric', 'value']];
  lines.push(['targeted', r.targeted]);
  for (const [k, n] of Object.entries(r.excluded)) lines.push([`excluded:${k}`, n]);
  for (const k of ['queued', 'sent', 'delivered', 'failed', 'expired', 'pending', 'segments', 'replies', 'optOuts'] as const) lines.push([k, r[k]]);
  for (const [k, n] of Object.entries(r.blocked)) lines.push([`blocked:${k}`, n]);
  lines.push([], ['minute', 'sent', 'delivered', 'failed']);
  for (const m of r.perMinute) lines.push([m.minute, m.sent, m.delivered, m.failed]);
  return lines.map((l) => l.map(csvCell).join(',')).join('\n') + '\n';
}
