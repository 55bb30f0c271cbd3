import { Router } from 'express';
import { type Kysely, sql } from 'kysely';
import client from 'prom-client';
import type { Database } from '../db/schema';

/** `/healthz` (the process answers), `/readyz` (the database answers) and `/metrics` (Prometheus). */
export function healthRouter(db: Kysely<Database>): Router {
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
  router.get('/metrics', async (_req, res) => {
    res.type(registry.contentType).send(await registry.metrics());
  });
  return router;
}
