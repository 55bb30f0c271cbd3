import express, { Router } from 'express';
import type { Kysely } from 'kysely';
import type { AppConfig } from '../config';
import { applyChanges } from '../domain/changes/apply';
import { changesSchema } from '../domain/changes/changes.schema';
import type { Database } from '../db/schema';
import { formatPath } from '../shared/field-path';
import { problem } from '../shared/problem';
import type { Logger } from '../shared/log';
import { requireCardSystem } from './card-system';

/**
 * `POST /api/accounts/changes`: the card system's live changes to customers, points, cards and
 * statements (bearer `CARD_SYSTEM_TOKEN`; docs/sync.md). A bad change refuses the request (400, each
 * error with the change's index and field); a valid batch applies in one transaction and answers
 * each change's outcome in order: applied, repeated, stale, unknown or conflict.
 */
export function changesRouter(db: Kysely<Database>, config: AppConfig, log?: Logger): Router {
  const r = Router();
  const schema = changesSchema(config.defaultRegion);
  // A batch of thousands of changes is larger than the other endpoints' bodies.
  r.post('/api/accounts/changes', requireCardSystem(config, log), express.json({ limit: '4mb' }), async (req, res) => {
    const parsed = schema.safeParse(req.body ?? {});
    if (!parsed.success) {
      const errors = parsed.error.issues.map((i) => ({
        ...(i.path[0] === 'changes' && typeof i.path[1] === 'number' ? { index: i.path[1] } : {}),
        path: formatPath(i.path),
        message: i.message,
      }));
      return problem(res, 400, 'Invalid request', { errors });
    }
    const results = await db.transaction().execute((trx) => applyChanges(trx, parsed.data.changes));
    const count = (o: string) => results.filter((x) => x === o).length;
    res.json({
      applied: count('applied'),
      repeated: count('repeated'),
      stale: count('stale'),
      unknown: count('unknown'),
      conflict: count('conflict'),
      results,
    });
  });
  return r;
}
