import { sql } from 'kysely';
import type { Db, Tier } from '../db/schema';
import { slaClock, type SlaItem, type SlaState } from './sla';

/** A half-open time range [from, to). */
export interface Range {
  from: Date;
  to: Date;
}

/** Texts in and out per hour of the range (hours with none are left out; the chart fills them). */
export async function textsPerHour(db: Db, r: Range) {
  const { rows } = await sql<{ hour: Date; texts_in: string; texts_out: string }>`
    SELECT hour, sum(n_in) AS texts_in, sum(n_out) AS texts_out FROM (
      SELECT date_trunc('hour', received_at) AS hour, count(*) AS n_in, 0 AS n_out FROM inbound_messages
       WHERE received_at >= ${r.from} AND received_at < ${r.to} GROUP BY 1
      UNION ALL
      SELECT date_trunc('hour', created_at), 0, count(*) FROM outbound_messages
       WHERE created_at >= ${r.from} AND created_at < ${r.to} GROUP BY 1
    ) x GROUP BY hour ORDER BY hour`.execute(db);
  return rows.map((x) => ({ hour: new Date(x.hour), in: Number(x.texts_in), out: Number(x.texts_out) }));
}

/** Texts in by the command they were read as (`unknown` for none), most first. */
export async function textsByCommand(db: Db, r: Range) {
  const rows = await db
    .selectFrom('inbound_messages')
    .select([sql<string>`coalesce(command, 'unknown')`.as('command'), (eb) => eb.fn.countAll<string>().as('n')])
    .where('received_at', '>=', r.from)
    .where('received_at', '<', r.to)
    .groupBy(sql`1`)
    .orderBy('n', 'desc')
    .limit(15)
    .execute();
  return rows.map((x) => ({ command: x.command, count: Number(x.n) }));
}

/** Time from a text's arrival to its reply's hand-over to the provider: p50 and p95 in ms, and how many replies. */
export async function replyLatency(db: Db, r: Range) {
  const { rows } = await sql<{ p50: number | null; p95: number | null; n: string }>`
    SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY ms) AS p50, percentile_cont(0.95) WITHIN GROUP (ORDER BY ms) AS p95, count(*) AS n
      FROM (SELECT extract(epoch FROM (o.sent_at - i.received_at)) * 1000 AS ms
              FROM outbound_messages o JOIN inbound_messages i ON i.id = o.inbound_id
             WHERE o.sent_at IS NOT NULL AND i.received_at >= ${r.from} AND i.received_at < ${r.to}) x`.execute(db);
  const x = rows[0];
  return { p50: x.p50 === null ? null : Number(x.p50), p95: x.p95 === null ? null : Number(x.p95), replies: Number(x.n) };
}

/** Per route (channel): delivered, failed (undelivered, failed, expired) and sent without a receipt yet. */
export async function deliveryByRoute(db: Db, r: Range) {
  const { rows } = await sql<{ route: string; delivered: string; failed: string; sent: string }>`
    SELECT coalesce(channel, 'none') AS route,
           count(*) FILTER (WHERE status = 'delivered') AS delivered,
           count(*) FILTER (WHERE status IN ('undelivered', 'failed', 'expired')) AS failed,
           count(*) FILTER (WHERE status IN ('sent', 'unknown')) AS sent
      FROM outbound_messages WHERE created_at >= ${r.from} AND created_at < ${r.to} AND status NOT IN ('queued', 'sending', 'blocked')
     GROUP BY 1 ORDER BY 1`.execute(db);
  return rows.map((x) => ({ route: x.route, delivered: Number(x.delivered), failed: Number(x.failed), sent: Number(x.sent) }));
}

/** Messages waiting to leave now, by class (queued or being sent). */
export async function queueDepth(db: Db) {
  const rows = await db
    .selectFrom('outbound_messages')
    .select(['class', (eb) => eb.fn.countAll<string>().as('n')])
    .where('status', 'in', ['queued', 'sending'])
    .groupBy('class')
    .execute();
  const depth = { security: 0, transactional: 0, service: 0, marketing: 0 };
  for (const x of rows) depth[x.class] = Number(x.n);
  return depth;
}

/** Unresolved cases and pending sign-ups now, counted by SLA state. */
export async function slaStates(db: Db, now: Date) {
  const [cases, regs] = await Promise.all([
    db
      .selectFrom('cases')
      .innerJoin('customers', 'customers.id', 'cases.customer_id')
      .select(['cases.kind', 'cases.created_at', 'cases.due_at', 'customers.tier'])
      .where('cases.status', '!=', 'resolved')
      .execute(),
    db
      .selectFrom('registrations')
      .innerJoin('customers', 'customers.id', 'registrations.customer_id')
      .select(['registrations.created_at', 'customers.tier'])
      .where('registrations.status', '=', 'pending')
      .execute(),
  ]);
  const counts: Record<SlaState, number> = { ok: 0, soon: 0, breached: 0 };
  const add = (item: SlaItem, tier: Tier, since: Date, due?: Date | null) => counts[slaClock(item, tier, since, now, due).state]++;
  for (const c of cases) add(c.kind, c.tier, c.created_at, c.due_at);
  for (const g of regs) add('registration', g.tier, g.created_at);
  return counts;
}

/**
 * Per staff member in the range: cases resolved and sign-ups decided, the median minutes from
 * arrival (or claim) to done, and the quality score: the mean survey answer (1–5) on their cases.
 */
export async function perAgent(db: Db, r: Range) {
  const { rows } = await sql<{ staff: string; name: string; handled: string; median_minutes: number | null; quality: string | null; surveys: string }>`
    SELECT s.external_id AS staff, s.name, count(*) AS handled,
           percentile_cont(0.5) WITHIN GROUP (ORDER BY minutes) AS median_minutes,
           round(avg(score), 1) AS quality, count(score) AS surveys
      FROM (SELECT assigned_to AS staff_id, extract(epoch FROM (resolved_at - coalesce(claimed_at, created_at))) / 60 AS minutes, survey_score AS score
              FROM cases WHERE resolved_at >= ${r.from} AND resolved_at < ${r.to} AND assigned_to IS NOT NULL
            UNION ALL
            SELECT decided_by, extract(epoch FROM (decided_at - created_at)) / 60, NULL
              FROM registrations WHERE decided_at >= ${r.from} AND decided_at < ${r.to} AND decided_by IS NOT NULL) x
      JOIN staff s ON s.id = x.staff_id
     GROUP BY s.external_id, s.name ORDER BY handled DESC, s.external_id`.execute(db);
  return rows.map((x) => ({
    staff: x.staff,
    name: x.name,
    handled: Number(x.handled),
    medianMinutes: x.median_minutes === null ? null : Number(x.median_minutes),
    quality: x.quality === null ? null : Number(x.quality),
    surveys: Number(x.surveys),
  }));
}
