import { Router } from 'express';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema';
import { audit } from '../domain/audit';
import { upsertEvent } from '../domain/events';
import { eventSchema } from '../domain/import/import.schema';
import { type StaffAuth, staffOf } from './auth';
import { invalid } from '../shared/problem';

/** `GET /api/events` (any staff) and `POST /api/events` (marketing, supervisor, admin: create or update by code). */
export function eventsRouter(db: Kysely<Database>, auth: StaffAuth): Router {
  const r = Router();
  r.get('/', auth(['agent', 'marketing', 'supervisor', 'admin']), async (_req, res) => {
    res.json({ events: await db.selectFrom('events').selectAll().orderBy('starts_at').execute() });
  });
  r.post('/', auth(['marketing', 'supervisor', 'admin']), async (req, res) => {
    const body = eventSchema.safeParse(req.body ?? {});
    if (!body.success) return invalid(res, body.error);
    const event = await db.transaction().execute(async (trx) => {
      const row = await upsertEvent(trx, body.data);
      await audit(trx, { actorType: 'staff', actorId: staffOf(res).id, channel: 'api', action: 'event.upsert', subject: `event:${row.code}` });
      return row;
    });
    res.status(201).json(event);
  });
  return r;
}
