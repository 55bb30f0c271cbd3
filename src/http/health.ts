import { Router } from 'express';
import { type Kysely, sql } from 'kysely';
import { migrations } from '../../migrations/index';
import type { Database } from '../db/schema';
import { type QueueDepth, registry, watchQueue } from '../shared/metrics';
import { problem } from '../shared/problem';
import { bearerToken, tokenMatches } from './bearer';

/** How long /readyz waits for the database: a load balancer gets its answer well within 2 s. */
const READY_TIMEOUT_MS = 1_500;

/** Who may read `/metrics`: bearer `token` when set; without one, anyone outside production and no one in it. */
export interface MetricsAccess {
  token?: string;
  production: boolean;
}

const CLASS_BY_RANK = ['security', 'transactional', 'service', 'marketing'];

/** A transport as readiness sees it. */
export interface TransportState {
  name: string;
  /** False while it cannot take messages (SMPP not bound); undefined for one that is always up. */
  up: boolean | undefined;
}

/** Migrations the code has that the database has not applied (empty when current), or null when it did not answer in time. */
async function migrationsBehind(db: Kysely<Database>, ms: number): Promise<string[] | null> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), ms)));
  const applied = sql<{ name: string }>`SELECT name FROM kysely_migration`.execute(db).then(
    ({ rows }) => {
      const done = new Set(rows.map((r) => r.name));
      return Object.keys(migrations).filter((name) => !done.has(name));
    },
    () => null,
  );
  const behind = await Promise.race([applied, late]);
  clearTimeout(timer);
  return behind;
}

/** Queued messages by class and the wait of the oldest due one, from the index of queued rows. */
async function queueDepths(db: Kysely<Database>): Promise<QueueDepth[]> {
  const { rows } = await sql<{ rank: number; depth: number; oldest: Date | null }>`
    SELECT priority / 10 AS rank, count(*)::int AS depth, min(not_before) FILTER (WHERE not_before <= now()) AS oldest
      FROM outbound_messages WHERE status = 'queued' GROUP BY 1`.execute(db);
  return rows.map((r) => ({
    class: CLASS_BY_RANK[r.rank] ?? 'other',
    depth: r.depth,
    oldestSeconds: r.oldest ? Math.max(0, (Date.now() - r.oldest.getTime()) / 1000) : 0,
  }));
}

/**
 * `/healthz` (the process answers), `/readyz` (what a load balancer asks: the database answers in
 * time, its migrations are current, every configured transport is up) and `/metrics` (Prometheus,
 * kept up as things happen; the queue gauges read one indexed query at most every 5 s; behind
 * METRICS_TOKEN, see MetricsAccess).
 */
export function healthRouter(db: Kysely<Database>, transports: () => TransportState[] = () => [], access: MetricsAccess = { production: false }): Router {
  watchQueue(() => queueDepths(db));
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', async (_req, res) => {
    const behind = await migrationsBehind(db, READY_TIMEOUT_MS);
    const down = transports()
      .filter((t) => t.up === false)
      .map((t) => t.name);
    const ready = behind !== null && behind.length === 0 && down.length === 0;
    res.status(ready ? 200 : 503).json({
      status: ready ? 'ready' : 'not ready',
      database: behind === null ? 'unavailable' : 'ok',
      migrations: behind === null ? 'unknown' : behind.length === 0 ? 'current' : { behind },
      transports: Object.fromEntries(transports().map((t) => [t.name, t.up === false ? 'down' : 'up'])),
    });
  });
  router.get('/metrics', async (req, res) => {
    if (!access.token && access.production) return problem(res, 404, 'Not found');
    if (access.token && !tokenMatches(bearerToken(req), access.token)) {
      res.set('WWW-Authenticate', 'Bearer');
      return problem(res, 401, 'Missing or invalid token');
    }
    res.type(registry.contentType).send(await registry.metrics());
  });
  return router;
}
