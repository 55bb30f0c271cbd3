import type { Response, Router } from 'express';
import { z } from 'zod';
import { audit } from '../../domain/audit';
import { closeSessionsOf } from '../../domain/console-sessions';
import { searchAudit } from '../../domain/history';
import { mobileE164 } from '../../domain/phone';
import { addStaff, disableStaff, listStaff, rotateStaffToken } from '../../domain/staff';
import { formatPath } from '../../shared/field-path';
import { html, type Html } from './html';
import { t } from './i18n';
import type { ConsoleDeps } from './index';
import { csrfField, sendPage } from './layout';
import { forbidden, when } from './pages';
import { allow, ctxOf } from './session';

const ROLES = ['agent', 'marketing', 'supervisor', 'admin'] as const;
const addBody = z.object({
  id: z.string().trim().min(1, 'required').max(64),
  name: z.string().trim().min(1, 'required').max(200),
  role: z.enum(ROLES),
  mobile: z.string().trim().max(32).optional(),
  locale: z.enum(['en', 'zh-CN', 'zh-HK']).default('zh-CN'),
});
const auditQuery = z.object({ actor: z.string().max(64).optional(), action: z.string().max(64).optional() });

/** Staff administration (admin): add, disable, rotate tokens (shown once), and the audit trail. */
export function staffPages(r: Router, deps: ConsoleDeps): void {
  const admins = allow(['admin'], forbidden);

  const page = async (res: Response, q: { actor?: string; action?: string }, notice?: Html, status = 200) => {
    const ctx = ctxOf(res);
    const { lang } = ctx;
    const [staff, entries] = await Promise.all([
      listStaff(deps.db),
      searchAudit(deps.db, { actor: q.actor || undefined, action: q.action || undefined, limit: 50 }),
    ]);
    const csrf = csrfField(ctx);
    const rows = staff.map(
      (s) =>
        html`<tr>
          <td data-label="${t(lang, 'staff.id')}">${s.external_id}</td>
          <td data-label="${t(lang, 'staff.name')}">${s.name}</td>
          <td data-label="${t(lang, 'staff.role')}">${t(lang, `role.${s.role}`)}</td>
          <td data-label="${t(lang, 'staff.active')}">${s.active ? '✓' : '✗'}</td>
          <td data-label="${t(lang, 'staff.lastUsed')}">${s.last_used_at ? when(s.last_used_at) : '–'}</td>
          <td class="actions">
            ${
              s.active
                ? html`<form method="post" action="/console/staff/${encodeURIComponent(s.external_id)}/rotate">
                      ${csrf}<button type="submit">${t(lang, 'staff.rotate')} ${s.external_id}</button>
                    </form>
                    <form method="post" action="/console/staff/${encodeURIComponent(s.external_id)}/disable">
                      ${csrf}<button type="submit" class="danger">${t(lang, 'staff.disable')} ${s.external_id}</button>
                    </form>`
                : ''
            }
          </td>
        </tr>`,
    );
    const add = html`<form method="post" action="/console/staff" class="card stacked" aria-labelledby="add-h">
      <h2 id="add-h">${t(lang, 'staff.add')}</h2>
      ${csrf}
      <label for="s-id">${t(lang, 'staff.id')}</label><input id="s-id" name="id" required maxlength="64" /> <label for="s-name">${t(lang, 'staff.name')}</label
      ><input id="s-name" name="name" required maxlength="200" />
      <label for="s-role">${t(lang, 'staff.role')}</label>
      <select id="s-role" name="role">
        ${ROLES.map((x) => html`<option value="${x}">${t(lang, `role.${x}`)}</option>`)}
      </select>
      <label for="s-mobile">${t(lang, 'staff.mobile')}</label><input id="s-mobile" name="mobile" type="tel" maxlength="32" />
      <label for="s-locale">${t(lang, 'staff.locale')}</label>
      <select id="s-locale" name="locale">
        <option value="zh-CN">简体中文</option>
        <option value="zh-HK">繁體中文</option>
        <option value="en">English</option>
      </select>
      <button type="submit" class="primary">${t(lang, 'staff.add')}</button>
    </form>`;
    const trail = html`<section class="card" aria-labelledby="audit-h">
      <h2 id="audit-h">${t(lang, 'staff.audit')}</h2>
      <form method="get" action="/console/staff" class="range">
        <label for="a-actor">${t(lang, 'staff.auditActor')}</label><input id="a-actor" name="actor" value="${q.actor ?? ''}" maxlength="64" />
        <label for="a-action">${t(lang, 'staff.auditAction')}</label><input id="a-action" name="action" value="${q.action ?? ''}" maxlength="64" />
        <button type="submit">${t(lang, 'staff.filter')}</button>
      </form>
      <table class="stack">
        <thead>
          <tr>
            <th scope="col">${t(lang, 'audit.at')}</th>
            <th scope="col">${t(lang, 'audit.actor')}</th>
            <th scope="col">${t(lang, 'audit.action')}</th>
            <th scope="col">${t(lang, 'audit.subject')}</th>
            <th scope="col">${t(lang, 'audit.channel')}</th>
          </tr>
        </thead>
        <tbody>
          ${entries.map(
            (e) =>
              html`<tr>
                <td data-label="${t(lang, 'audit.at')}">${when(e.at)}</td>
                <td data-label="${t(lang, 'audit.actor')}">${e.actor_type}:${e.actor_id ?? ''}</td>
                <td data-label="${t(lang, 'audit.action')}">${e.action}</td>
                <td data-label="${t(lang, 'audit.subject')}">${e.subject ?? ''}</td>
                <td data-label="${t(lang, 'audit.channel')}">${e.channel}</td>
              </tr>`,
          )}
        </tbody>
      </table>
    </section>`;
    sendPage(
      res,
      ctx,
      t(lang, 'staff.title'),
      html`${notice ?? ''}
        <table class="stack" id="staff-list">
          <thead>
            <tr>
              <th scope="col">${t(lang, 'staff.id')}</th>
              <th scope="col">${t(lang, 'staff.name')}</th>
              <th scope="col">${t(lang, 'staff.role')}</th>
              <th scope="col">${t(lang, 'staff.active')}</th>
              <th scope="col">${t(lang, 'staff.lastUsed')}</th>
              <th scope="col"></th>
            </tr>
          </thead>
          <tbody>
            ${rows}
          </tbody>
        </table>
        <div class="stack-sections">${add}${trail}</div>`,
      status,
    );
  };
  const tokenNotice = (res: Response, id: string, token: string) =>
    html`<div class="flash ok" role="status">
      <p>${t(ctxOf(res).lang, 'staff.token', { id })}</p>
      <p><code class="token" id="new-token">${token}</code></p>
    </div>`;
  const audited = (res: Response, action: string, id: string) =>
    audit(deps.db, { actorType: 'staff', actorId: ctxOf(res).staff.id, channel: 'console', action, subject: `staff:${id}` });

  r.get('/console/staff', admins, async (req, res) => {
    const q = auditQuery.safeParse(req.query);
    await page(res, q.success ? q.data : {});
  });

  r.post('/console/staff', admins, async (req, res) => {
    const { lang } = ctxOf(res);
    const body = addBody.safeParse(req.body ?? {});
    const refuse = (errors: string) => page(res, {}, html`<p class="flash error" role="alert">${t(lang, 'staff.invalid', { errors })}</p>`, 400);
    if (!body.success) return refuse(body.error.issues.map((i) => `${formatPath(i.path)}: ${i.message}`).join('; '));
    let mobile: string | null = null;
    if (body.data.mobile) {
      const m = mobileE164(body.data.mobile, deps.config.defaultRegion);
      if ('problem' in m) return refuse(`mobile: ${m.problem}`);
      mobile = m.e164;
    }
    try {
      const { staff, token } = await addStaff(
        deps.db,
        { externalId: body.data.id, name: body.data.name, role: body.data.role, mobile, locale: body.data.locale },
        deps.clock(),
      );
      await closeSessionsOf(deps.db, staff.id); // re-adding an id is a new token: old sessions end
      await audited(res, 'staff.add', staff.external_id);
      await page(res, {}, tokenNotice(res, staff.external_id, token));
    } catch (err) {
      if ((err as { code?: string }).code === '23505') return refuse('mobile: already registered to another staff member');
      throw err;
    }
  });

  r.post('/console/staff/:id/rotate', admins, async (req, res) => {
    const id = String(req.params.id).slice(0, 64);
    const rotated = await rotateStaffToken(deps.db, id, deps.clock());
    if (!rotated) return page(res, {}, html`<p class="flash error" role="alert">${t(ctxOf(res).lang, 'notfound')}</p>`, 404);
    await closeSessionsOf(deps.db, rotated.staff.id);
    await audited(res, 'staff.rotate', id);
    await page(res, {}, tokenNotice(res, id, rotated.token));
  });

  r.post('/console/staff/:id/disable', admins, async (req, res) => {
    const id = String(req.params.id).slice(0, 64);
    const disabled = await disableStaff(deps.db, id);
    if (!disabled) return page(res, {}, html`<p class="flash error" role="alert">${t(ctxOf(res).lang, 'notfound')}</p>`, 404);
    await closeSessionsOf(deps.db, disabled.id);
    await audited(res, 'staff.disable', id);
    await page(res, {}, html`<p class="flash ok" role="status">${t(ctxOf(res).lang, 'staff.disabled', { id })}</p>`);
  });
}
