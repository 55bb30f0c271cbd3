import { Router } from 'express';
import { type Kysely, sql } from 'kysely';
import client from 'prom-client';
import type { Database } from '../db/schema';
import { problem } from '../shared/problem';
import { bearerToken, tokenMatches } from './bearer';

/** Who may read `/metrics`: bearer `token` when set; without one, anyone outside production and no one in it. */
export interface MetricsAccess {
  token?: string;
  production: boolean;
}

/** `/healthz` (the process answers), `/readyz` (the database answers) and `/metrics` (Prometheus, see MetricsAccess). */
export function healthRouter(db: Kysely<Database>, access: MetricsAccess = { production: false }): Router {
  const registry = new client.Registry();
  client.collectDefaultMetrics({ register: registry, prefix: 'uplink_' });
  new client.Gauge({
    name: 'uplink_outbound_messages',
    help: 'Outbound messages by status',
    labelNames: ['status'],
    registers: [registry],
    async collect() {
      const rows = await db
        .selectFrom('outbound_messages')
        .select(['status', (eb) => eb.fn.countAll<number>().as('n')])
        .groupBy('status')
        .execute();
      this.reset();
      for (const r of rows) this.set({ status: r.status }, Number(r.n));
    },
  });
  new client.Gauge({
    name: 'uplink_inbound_messages',
    help: 'Inbound messages by status',
    labelNames: ['status'],
    registers: [registry],
    async collect() {
      const rows = await db
        .selectFrom('inbound_messages')
        .select(['status', (eb) => eb.fn.countAll<number>().as('n')])
        .groupBy('status')
        .execute();
      this.reset();
      for (const r of rows) this.set({ status: r.status }, Number(r.n));
    },
  });

  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', async (_req, res) => {
    try {
      await sql`SELECT 1`.execute(db);
      res.json({ status: 'ready' });
    } catch {
      res.status(503).json({ status: 'database unavailable' });
    }
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
