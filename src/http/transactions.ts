import { Router } from 'express';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { AppConfig } from '../config';
import { recordTransaction } from '../core/checks/record';
import type { Clock } from '../shared/clock';
import type { Notifier } from '../core/messaging/notifier';
import type { Database } from '../db/schema';
import { MAX_AMOUNT } from '../domain/import/import.schema';
import type { Logger } from '../shared/log';
import { invalid, problem } from '../shared/problem';
import { requireCardSystem } from './card-system';

const body = z.strictObject({
  transactionId: z.string().trim().min(1).max(64),
  cardId: z.string().trim().min(1).max(64),
  amount: z.number().positive().multipleOf(0.01, 'at most 2 decimals').max(MAX_AMOUNT, 'too large'),
  currency: z.string().regex(/^[A-Z]{3}$/, 'expected an ISO 4217 code such as CNY'),
  merchant: z.string().trim().min(1).max(100), // texted in the large-transaction question
  occurredAt: z.iso.datetime({ offset: true }),
  /** The merchant's country (ISO 3166 alpha-2): a travel notice covering it spares the question. */
  country: z
    .string()
    .regex(/^[A-Z]{2}$/, 'expected an ISO 3166 alpha-2 code such as JP')
    .optional(),
});

/**
 * `POST /api/transactions`: the card system pushes an authorisation (bearer `CARD_SYSTEM_TOKEN`).
 * Idempotent by `transactionId`: 201 when recorded, 200 for a repeat, 409 for the same id with
 * other data. At or above the tier threshold the cardholder is asked within seconds.
 */
export function transactionsRouter(db: Kysely<Database>, notifier: Notifier, config: AppConfig, clock: Clock, kick: () => void, log: Logger): Router {
  const r = Router();
  r.post('/api/transactions', requireCardSystem(config, log), async (req, res) => {
    const parsed = body.safeParse(req.body ?? {});
    if (!parsed.success) return invalid(res, parsed.error);
    const outcome = await db.transaction().execute((trx) => recordTransaction(trx, notifier, config, parsed.data, clock()));
    if (outcome.kind === 'unknown_card') return problem(res, 422, 'Unknown card', { errors: [{ path: 'cardId', message: 'no such card' }] });
    if (outcome.kind === 'conflict') return problem(res, 409, 'Transaction id already recorded with other data');
    if (outcome.check) kick();
    res.status(outcome.created ? 201 : 200).json({ transactionId: parsed.data.transactionId, check: outcome.check });
  });
  return r;
}
