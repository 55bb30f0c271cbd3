import type { Request, Response, Router } from 'express';
import { z } from 'zod';
import { confirmRegistration, declineRegistration, type Decision } from '../../core/registrations/decisions';
import type { Tier } from '../../db/schema';
import { audit } from '../../domain/audit';
import { type CaseAction, claimCase, listCases, noteCase, resolveCase } from '../../domain/cases';
import { customerNames, inboxCounts } from '../../domain/inbox';
import { listRegistrations } from '../../domain/registrations';
import { inboxOrder, slaClock, type SlaItem } from '../../domain/sla';
import { html, type Html } from './html';
import { duration, t, type UiLang } from './i18n';
import type { ConsoleDeps } from './index';
import { AGENT_ROLES, csrfField, sendPage } from './layout';
import { forbidden, when } from './pages';
import { allow, type ConsoleCtx, ctxOf } from './session';

const refParam = z.string().regex(/^C?\d{4,8}$/);

/** An SLA clock as a badge: its state in words and in colour. */
export function slaBadge(lang: UiLang, item: SlaItem, tier: Tier, since: Date, now: Date, dueAt?: Date | null): Html {
  const c = slaClock(item, tier, since, now, dueAt);
  return html`<span class="sla sla-${c.state}" title="${c.due.toISOString()}">${t(lang, `sla.${c.state}`, { time: duration(c.minutesLeft) })}</span>`;
}

/** The flash line after an action (from the redirect's query; only known outcomes are shown). */
function flash(lang: UiLang, q: Request['query']): Html {
  const ref = typeof q.ref === 'string' && refParam.safeParse(q.ref).success ? q.ref : undefined;
  if (!ref) return html``;
  if (q.result === 'done') return html`<p class="flash ok" role="status">${t(lang, 'inbox.done', { ref })}</p>`;
  if (q.result === 'conflict') return html`<p class="flash error" role="alert">${t(lang, 'inbox.conflict', { ref, status: String(q.status ?? '') })}</p>`;
  if (q.result === 'unknown') return html`<p class="flash error" role="alert">${t(lang, 'inbox.unknown', { ref })}</p>`;
  if (q.result === 'invalid') return html`<p class="flash error" role="alert">${t(lang, 'inbox.invalid', { ref, errors: String(q.errors ?? '') })}</p>`;
  return html``;
}

async function inboxContent(deps: ConsoleDeps, ctx: ConsoleCtx, req: Request): Promise<Html> {
  const { lang } = ctx;
  const now = deps.clock();
  const [regs, open, claimed] = await Promise.all([
    listRegistrations(deps.db, { status: 'pending', limit: 200 }),
    listCases(deps.db, { status: 'open', limit: 200 }),
    listCases(deps.db, { status: 'claimed', limit: 200 }),
  ]);
  const names = await customerNames(
    deps.db,
    [...open, ...claimed].map((c) => c.customer),
  );
  const signups = inboxOrder(regs.map((r) => ({ ...r, since: r.created_at })));
  const cases = inboxOrder([...open, ...claimed].map((c) => ({ ...c, since: c.created_at })));
  const csrf = csrfField(ctx);
  const customer = (id: string, name: string | undefined) => html`<a href="/console/customers/${encodeURIComponent(id)}">${name ?? id}</a>`;
  const tier = (x: Tier) => html`<span class="tier tier-${x}">${x}</span>`;
  const signupRows = signups.map(
    (r) =>
      html`<tr data-ref="${r.ref}">
        <td data-label="${t(lang, 'inbox.ref')}">${r.ref}</td>
        <td data-label="${t(lang, 'inbox.customer')}">${customer(r.customer, r.name)} ${tier(r.tier)}</td>
        <td data-label="${t(lang, 'inbox.event')}">${r.event}</td>
        <td data-label="${t(lang, 'inbox.waiting')}">${when(r.created_at)}</td>
        <td data-label="${t(lang, 'inbox.sla')}">${slaBadge(lang, 'registration', r.tier, r.created_at, now)}</td>
        <td data-label="${t(lang, 'inbox.actions')}" class="actions">
          <form method="post" action="/console/inbox/registrations/${r.ref}/confirm">
            ${csrf}<button type="submit" class="primary">${t(lang, 'inbox.confirm')} ${r.ref}</button>
          </form>
          <form method="post" action="/console/inbox/registrations/${r.ref}/decline">
            ${csrf}<label for="reason-${r.ref}" class="visually-hidden">${t(lang, 'inbox.reason', { ref: r.ref })}</label>
            <input id="reason-${r.ref}" name="reason" maxlength="200" placeholder="${t(lang, 'inbox.reason', { ref: r.ref })}" />
            <button type="submit">${t(lang, 'inbox.decline')}</button>
          </form>
        </td>
      </tr>`,
  );
  const caseRows = cases.map(
    (c) =>
      html`<tr data-ref="${c.ref}">
        <td data-label="${t(lang, 'inbox.ref')}">${c.ref}</td>
        <td data-label="${t(lang, 'inbox.customer')}">${customer(c.customer, names.get(c.customer))} ${tier(c.tier)}</td>
        <td data-label="${t(lang, 'inbox.summary')}">
          <strong>${c.kind}</strong> ${c.summary} ${c.assignedTo ? html`<br /><em>${t(lang, 'inbox.assigned', { who: c.assignedTo })}</em>` : ''}
        </td>
        <td data-label="${t(lang, 'inbox.waiting')}">${when(c.created_at)}</td>
        <td data-label="${t(lang, 'inbox.sla')}">${slaBadge(lang, c.kind, c.tier, c.created_at, now, c.due_at)}</td>
        <td data-label="${t(lang, 'inbox.actions')}" class="actions">
          ${
            c.status === 'open'
              ? html`<form method="post" action="/console/inbox/cases/${c.ref}/claim">
                  ${csrf}<button type="submit">${t(lang, 'inbox.claim')} ${c.ref}</button>
                </form>`
              : ''
          }
          <form method="post" action="/console/inbox/cases/${c.ref}/notes">
            ${csrf}<label for="note-${c.ref}" class="visually-hidden">${t(lang, 'inbox.note', { ref: c.ref })}</label>
            <input id="note-${c.ref}" name="note" maxlength="2000" required placeholder="${t(lang, 'inbox.note', { ref: c.ref })}" />
            <button type="submit">${t(lang, 'inbox.addNote')}</button>
          </form>
          <form method="post" action="/console/inbox/cases/${c.ref}/resolve">
            ${csrf}<label for="outcome-${c.ref}" class="visually-hidden">${t(lang, 'inbox.outcome', { ref: c.ref })}</label>
            <input id="outcome-${c.ref}" name="outcome" maxlength="500" required placeholder="${t(lang, 'inbox.outcome', { ref: c.ref })}" />
            <button type="submit">${t(lang, 'inbox.resolve')}</button>
          </form>
        </td>
      </tr>`,
  );
  const table = (caption: string, head: string[], rows: Html[], id: string) =>
    html`<section aria-labelledby="${id}-h">
      <h2 id="${id}-h">${caption} <span class="count">${rows.length}</span></h2>
      ${
        rows.length === 0
          ? html`<p class="empty">${t(lang, 'inbox.none')}</p>`
          : html`<table class="stack" id="${id}">
              <thead>
                <tr>
                  ${head.map((h) => html`<th scope="col">${h}</th>`)}
                </tr>
              </thead>
              <tbody>
                ${rows}
              </tbody>
            </table>`
      }
    </section>`;
  const cols = (k3: 'inbox.event' | 'inbox.summary') => [
    t(lang, 'inbox.ref'),
    t(lang, 'inbox.customer'),
    t(lang, k3),
    t(lang, 'inbox.waiting'),
    t(lang, 'inbox.sla'),
    t(lang, 'inbox.actions'),
  ];
  return html`${flash(lang, req.query)} ${table(t(lang, 'inbox.signups'), cols('inbox.event'), signupRows, 'signups')}
  ${table(t(lang, 'inbox.cases'), cols('inbox.summary'), caseRows, 'cases')}`;
}

/** Where an action goes back to, with its outcome. */
function back(res: Response, ref: string, done: Decision | CaseAction): void {
  const status = done.kind === 'conflict' ? ('registration' in done ? done.registration.status : done.case.status) : '';
  res.redirect(303, `/console/inbox?ref=${encodeURIComponent(ref)}&result=${done.kind}${status ? `&status=${status}` : ''}`);
}

/**
 * The agents' inbox: pending sign-ups and open cases, platinum first then oldest, each with its SLA
 * clock; confirm, decline, claim, note and resolve post to the same functions as the staff API.
 */
export function inboxPages(r: Router, deps: ConsoleDeps): void {
  const agents = allow(AGENT_ROLES, forbidden);
  r.get('/console/inbox', agents, async (req, res) => {
    const ctx = ctxOf(res);
    sendPage(res, ctx, t(ctx.lang, 'inbox.title'), await inboxContent(deps, ctx, req));
  });

  r.get('/console/inbox/counts', agents, async (_req, res) => {
    const { lang } = ctxOf(res);
    const n = await inboxCounts(deps.db);
    res.type('html').send(html`<span aria-hidden="true">${n.signups + n.cases}</span><span class="visually-hidden">${t(lang, 'inbox.counts', n)}</span>`.value);
  });

  for (const action of ['confirm', 'decline'] as const) {
    r.post(`/console/inbox/registrations/:ref/${action}`, agents, async (req, res) => {
      const ref = refParam.safeParse(req.params.ref);
      if (!ref.success) return res.redirect(303, '/console/inbox');
      const body = z.object({ reason: z.string().trim().max(200).optional() }).safeParse(req.body ?? {});
      const reason = body.success && body.data.reason ? body.data.reason : null;
      const actor = { staff: ctxOf(res).staff, channel: 'console' };
      const done = await deps.db
        .transaction()
        .execute((trx) =>
          action === 'confirm'
            ? confirmRegistration(trx, deps.notifier, ref.data, actor, deps.clock())
            : declineRegistration(trx, deps.notifier, ref.data, reason, actor, deps.clock()),
        );
      deps.kick(); // the customer's text was committed with the decision
      back(res, ref.data, done);
    });
  }

  const schemas = {
    claim: z.object({}),
    notes: z.object({ note: z.string().trim().min(1).max(2000) }),
    resolve: z.object({ outcome: z.string().trim().min(1).max(500) }),
  };
  for (const path of ['claim', 'notes', 'resolve'] as const) {
    r.post(`/console/inbox/cases/:ref/${path}`, agents, async (req, res) => {
      const ref = refParam.safeParse(req.params.ref);
      if (!ref.success) return res.redirect(303, '/console/inbox');
      const { _csrf, ...fields } = (req.body ?? {}) as Record<string, unknown>;
      void _csrf;
      const body = schemas[path].safeParse(fields);
      if (!body.success) {
        const errors = body.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
        return res.redirect(303, `/console/inbox?ref=${ref.data}&result=invalid&errors=${encodeURIComponent(errors)}`);
      }
      const staff = ctxOf(res).staff;
      const b = body.data as Record<string, string>;
      const done = await deps.db.transaction().execute(async (trx) => {
        const result =
          path === 'claim'
            ? await claimCase(trx, ref.data, staff.id, deps.clock())
            : path === 'notes'
              ? await noteCase(trx, ref.data, staff.id, b.note)
              : await resolveCase(trx, ref.data, staff.id, b.outcome, deps.clock());
        if (result.kind === 'done')
          await audit(trx, { actorType: 'staff', actorId: staff.id, channel: 'console', action: `case.${path}`, subject: `case:${ref.data}`, details: b });
        return result;
      });
      back(res, ref.data, done);
    });
  }
}
