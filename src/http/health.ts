import { Router } from 'express';
import { type Kysely, sql } from 'kysely';
import client from 'prom-client';
import type { Database } from '../db/schema';

/** How long /readyz waits for the database: a load balancer gets its answer well within 2 s. */
const READY_TIMEOUT_MS = 1_500;

/** True when the database answers `SELECT 1` within `ms` (a hung one is a no, not a wait). */
async function databaseAnswers(db: Kysely<Database>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  const answer = sql`SELECT 1`.execute(db).then(
    () => true,
    () => false,
  );
  const ok = await Promise.race([answer, late]);
  clearTimeout(timer);
  return ok;
}

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
    if (await databaseAnswers(db, READY_TIMEOUT_MS)) res.json({ status: 'ready' });
    else res.status(503).json({ status: 'database unavailable' });
  });
  router.get('/metrics', async (_req, res) => {
    res.type(registry.contentType).send(await registry.metrics());
  });
  return router;
}
