import { type Response, Router } from 'express';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { Clock } from '../shared/clock';
import { confirmRegistration, declineRegistration, type Decision } from '../core/registrations/decisions';
import type { Notifier } from '../core/messaging/notifier';
import { askSurvey } from '../core/confirm/survey';
import type { Database, Db } from '../db/schema';
import { audit } from '../domain/audit';
import { type CaseAction, caseNotes, claimCase, listCases, noteCase, resolveCase } from '../domain/cases';
import { listRegistrations } from '../domain/registrations';
import { conversation, searchAudit } from '../domain/history';
import { parseSince, unknownTexts } from '../core/inbound/unknowns';
import { type StaffAuth, staffOf } from './auth';
import { eventsRouter } from './events';
import { invalid, problem } from '../shared/problem';

const AGENTS = ['agent', 'supervisor', 'admin'] as const;
const limit = z.coerce.number().int().min(1).max(500).default(50);
const refParam = z.string().regex(/^C?\d{4,8}$/);

/**
 * The staff API under `/api`: registrations, cases, events, conversation history, audit trail, texts
 * not understood. Reads of customer data are audited like writes (who read what, when).
 */
export function apiRouter(db: Kysely<Database>, notifier: Notifier, clock: Clock, kick: () => void, auth: StaffAuth): Router {
  const r = Router();
  const agents = auth(AGENTS);
  const audited = (res: Response, action: string, subject: string | null, details: Record<string, unknown>) =>
    audit(db, { actorType: 'staff', actorId: staffOf(res).id, channel: 'api', action, subject, details });
  r.use('/api/events', eventsRouter(db, auth));

  r.get('/api/registrations', agents, async (req, res) => {
    const q = z
      .strictObject({ status: z.enum(['pending', 'confirmed', 'declined', 'waitlisted', 'withdrawn']).optional(), event: z.string().max(16).optional(), limit })
      .safeParse(req.query);
    if (!q.success) return invalid(res, q.error);
    const registrations = await listRegistrations(db, q.data);
    await audited(res, 'registrations.read', null, { query: q.data, count: registrations.length });
    res.json({ registrations });
  });

  const decide = (action: 'confirm' | 'decline') =>
    r.post(`/api/registrations/:ref/${action}`, agents, async (req, res) => {
      const ref = refParam.safeParse(req.params.ref);
      if (!ref.success) return problem(res, 404, 'No such registration');
      const body = z.strictObject({ reason: z.string().trim().min(1).max(200).optional() }).safeParse(req.body ?? {});
      if (!body.success) return invalid(res, body.error);
      const actor = { staff: staffOf(res), channel: 'api' };
      const done: Decision = await db
        .transaction()
        .execute((trx) =>
          action === 'confirm'
            ? confirmRegistration(trx, notifier, ref.data, actor, clock())
            : declineRegistration(trx, notifier, ref.data, body.data.reason ?? null, actor, clock()),
        );
      kick(); // the customer's text was committed with the decision
      if (done.kind === 'unknown') return problem(res, 404, 'No such registration');
      if (done.kind === 'conflict') return problem(res, 409, `Registration is ${done.registration.status}`, { status: done.registration.status });
      res.json({ ref: ref.data, status: done.registration.status, event: done.event.code });
    });
  decide('confirm');
  decide('decline');

  r.get('/api/cases', agents, async (req, res) => {
    const q = z
      .strictObject({
        status: z.enum(['open', 'claimed', 'resolved']).optional(),
        kind: z.enum(['retention', 'fraud', 'callback', 'complaint']).optional(),
        limit,
      })
      .safeParse(req.query);
    if (!q.success) return invalid(res, q.error);
    const cases = await listCases(db, q.data);
    await audited(res, 'cases.read', null, { query: q.data, count: cases.length });
    res.json({ cases });
  });

  const caseAction = (
    path: string,
    bodySchema: z.ZodType<Record<string, string>>,
    act: (trx: Db, ref: string, staffId: number, body: Record<string, string>) => Promise<CaseAction>,
  ) =>
    r.post(`/api/cases/:ref/${path}`, agents, async (req, res) => {
      const ref = refParam.safeParse(req.params.ref);
      if (!ref.success) return problem(res, 404, 'No such case');
      const body = bodySchema.safeParse(req.body ?? {});
      if (!body.success) return invalid(res, body.error);
      const staff = staffOf(res);
      const done = await db.transaction().execute(async (trx) => {
        const result = await act(trx, ref.data, staff.id, body.data);
        // A resolved case asks its customer to rate the service, in the same transaction.
        if (result.kind === 'done' && path === 'resolve') await askSurvey(trx, notifier, result.case, clock());
        if (result.kind === 'done')
          await audit(trx, { actorType: 'staff', actorId: staff.id, channel: 'api', action: `case.${path}`, subject: `case:${ref.data}`, details: body.data });
        return result;
      });
      if (done.kind === 'unknown') return problem(res, 404, 'No such case');
      if (done.kind === 'conflict') return problem(res, 409, `Case is ${done.case.status}`, { status: done.case.status });
      if (path === 'resolve') kick(); // the survey question was committed with the resolution
      res.json({ ...done.case, notes: await caseNotes(db, done.case.id) });
    });
  caseAction('claim', z.strictObject({}), (db_, ref, staffId) => claimCase(db_, ref, staffId, clock()));
  caseAction('notes', z.strictObject({ note: z.string().trim().min(1).max(2000) }), (db_, ref, staffId, b) => noteCase(db_, ref, staffId, b.note));
  caseAction('resolve', z.strictObject({ outcome: z.string().trim().min(1).max(500) }), (db_, ref, staffId, b) =>
    resolveCase(db_, ref, staffId, b.outcome, clock()),
  );

  r.get('/api/customers/:externalId/messages', agents, async (req, res) => {
    const q = z.strictObject({ limit }).safeParse(req.query);
    if (!q.success) return invalid(res, q.error);
    const customer = String(req.params.externalId).slice(0, 64);
    const messages = await conversation(db, customer, q.data.limit);
    // A look-up of a customer who does not exist is audited too (someone may be trying ids).
    await audited(res, 'customer.messages.read', `customer:${customer}`, { found: Boolean(messages), count: messages?.length ?? 0 });
    if (!messages) return problem(res, 404, 'No such customer');
    res.json({ customer: req.params.externalId, messages });
  });

  r.get('/api/audit', auth(['supervisor', 'admin']), async (req, res) => {
    const q = z
      .strictObject({
        actorType: z.enum(['customer', 'staff', 'system', 'unknown']).optional(),
        actor: z.string().max(64).optional(),
        action: z.string().max(64).optional(),
        since: z.iso.datetime({ offset: true }).optional(),
        limit,
      })
      .safeParse(req.query);
    if (!q.success) return invalid(res, q.error);
    const entries = await searchAudit(db, q.data);
    await audited(res, 'audit.read', null, { query: q.data, count: entries.length });
    res.json({ entries });
  });

  // The texts cardholders sent that were not understood, most frequent first: what to add as phrasings.
  r.get('/api/unknowns', auth(['supervisor', 'admin']), async (req, res) => {
    const q = z.strictObject({ since: z.string().max(40).default('7d'), limit }).safeParse(req.query);
    if (!q.success) return invalid(res, q.error);
    const since = parseSince(q.data.since, clock());
    if ('problem' in since) return problem(res, 400, 'Invalid request', { errors: [{ path: 'since', message: since.problem }] });
    res.json({ since: since.toISOString(), texts: await unknownTexts(db, since, q.data.limit) });
  });
  return r;
}
