import express, { Router } from 'express';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { AppConfig } from '../config';
import { settleAndTell } from '../core/confirm/outcome';
import { readOutcome } from '../core/confirm/card-system';
import type { Notifier } from '../core/messaging/notifier';
import type { Database } from '../db/schema';
import { cardRequestByKey } from '../domain/card-requests';
import type { Clock } from '../shared/clock';
import type { Logger } from '../shared/log';
import { problem } from '../shared/problem';
import { signatureValid } from '../shared/signature';

const callback = z.strictObject({
  idempotencyKey: z.uuid(),
  status: z.enum(['done', 'declined']),
  reason: z.string().max(40).optional(),
  values: z.record(z.string().max(40), z.union([z.string().max(80), z.number()])).optional(),
});

/**
 * `POST /api/card-system/callbacks`: the card system's later answer to a request it took with 202,
 * signed like Uplink's requests (CARD_SYSTEM_SECRET; docs/card-system.md). The request is settled
 * and the customer texted in one transaction; a repeat is answered `settled: false` and texts nobody.
 */
export function cardRequestsRouter(db: Kysely<Database>, notifier: Notifier, config: AppConfig, clock: Clock, kick: () => void, log?: Logger): Router {
  const r = Router();
  r.post('/api/card-system/callbacks', express.text({ type: 'application/json', limit: '16kb' }), async (req, res) => {
    if (!config.cardSystemSecret) return problem(res, 503, 'Card system callbacks are not configured (CARD_SYSTEM_SECRET)');
    const raw = typeof req.body === 'string' ? req.body : '';
    if (!signatureValid(config.cardSystemSecret, req.get('x-uplink-signature'), req.get('x-uplink-timestamp'), raw, clock())) {
      log?.warn({ route: 'POST /api/card-system/callbacks', ip: req.ip }, 'card system: callback signature refused (401)');
      return problem(res, 401, 'Missing or invalid signature');
    }
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch {
      return problem(res, 400, 'Invalid request', { errors: [{ path: '(body)', message: 'not valid JSON' }] });
    }
    const parsed = callback.safeParse(json);
    if (!parsed.success)
      return problem(res, 400, 'Invalid request', { errors: parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })) });
    const outcome = readOutcome(parsed.data)!;
    const result = await db.transaction().execute(async (trx) => {
      const request = await cardRequestByKey(trx, parsed.data.idempotencyKey);
      if (!request) return null;
      return { settled: await settleAndTell(trx, notifier, request, outcome, clock()), status: request.status };
    });
    if (!result) return problem(res, 404, 'No such request');
    kick();
    res.json({ settled: result.settled, status: result.settled ? outcome.status : result.status });
  });
  return r;
}
