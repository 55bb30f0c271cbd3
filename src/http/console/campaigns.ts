import type { Response, Router } from 'express';
import { z } from 'zod';
import { audienceSchema, countAudience } from '../../domain/campaigns/audience';
import { campaignInput, campaignPatch, createCampaign, getCampaign, listCampaigns, updateCampaign } from '../../domain/campaigns/campaigns';
import type { Campaign } from '../../db/schema';
import { CAMPAIGN_ROLES } from '../campaigns';
import { audienceFromForm, campaignFromForm, type FormBody, formFromCampaign } from './campaign-form';
import { audienceCount, campaignForm, errorsOf } from './campaign-editor';
import { campaignPage } from './campaign';
import { html } from './html';
import { t } from './i18n';
import type { ConsoleDeps } from './index';
import { sendPage } from './layout';
import { forbidden, when } from './pages';
import { allow, ctxOf } from './session';

const idParam = z.coerce.number().int().positive().max(2_147_483_647);
const NEW_DEFAULTS: FormBody = { scheduleKind: 'once', timeZone: 'Asia/Shanghai', rate: '50', validity: '1440' };

/**
 * Campaigns for marketing and supervisors (the staff API's roles): list, create and edit with the
 * audience builder and its live count, then the campaign's own page (campaign.ts). Every change
 * goes through the domain functions the API calls, audited with channel `console`.
 */
export function campaignPages(r: Router, deps: ConsoleDeps): void {
  const staff = allow(CAMPAIGN_ROLES, forbidden);
  const { db } = deps;

  const load = async (id: unknown): Promise<Campaign | undefined> => {
    const parsed = idParam.safeParse(id);
    return parsed.success ? getCampaign(db, parsed.data) : undefined;
  };
  const notFound = (res: Response) => {
    const { lang } = ctxOf(res);
    sendPage(res, ctxOf(res), t(lang, 'notfound'), html`<p class="error" role="alert">${t(lang, 'notfound')}</p>`, 404);
  };
  const editor = (res: Response, title: string, action: string, values: FormBody, problem?: string, status = 200) => {
    const ctx = ctxOf(res);
    const alert = problem ? html`<p class="flash error" role="alert">${t(ctx.lang, 'camp.invalid', { errors: problem })}</p>` : '';
    sendPage(res, ctx, title, html`${alert}${campaignForm(ctx, action, values)}`, status);
  };

  r.get('/console/campaigns', staff, async (_req, res) => {
    const ctx = ctxOf(res);
    const { lang } = ctx;
    const list = await listCampaigns(db, { limit: 100 });
    const head = (k: Parameters<typeof t>[1]) => html`<th scope="col">${t(lang, k)}</th>`;
    sendPage(
      res,
      ctx,
      t(lang, 'camp.title'),
      html`<p><a class="button primary" href="/console/campaigns/new">${t(lang, 'camp.new')}</a></p>
        ${
          list.length === 0
            ? html`<p class="empty">${t(lang, 'camp.none')}</p>`
            : html`<table class="stack" id="campaigns">
                <thead>
                  <tr>
                    ${head('camp.id')}${head('camp.name')}${head('camp.status')}${head('camp.nextRun')}${head('camp.updated')}
                  </tr>
                </thead>
                <tbody>
                  ${list.map(
                    (c) =>
                      html`<tr data-id="${c.id}">
                        <td data-label="${t(lang, 'camp.id')}">${c.id}</td>
                        <td data-label="${t(lang, 'camp.name')}"><a href="/console/campaigns/${c.id}">${c.name}</a></td>
                        <td data-label="${t(lang, 'camp.status')}"><span class="pill pill-${c.status}">${t(lang, `cstatus.${c.status}`)}</span></td>
                        <td data-label="${t(lang, 'camp.nextRun')}">${c.next_run_at ? when(c.next_run_at) : '–'}</td>
                        <td data-label="${t(lang, 'camp.updated')}">${when(c.updated_at)}</td>
                      </tr>`,
                  )}
                </tbody>
              </table>`
        }`,
    );
  });

  r.get('/console/campaigns/new', staff, (_req, res) => editor(res, t(ctxOf(res).lang, 'camp.new'), '/console/campaigns', NEW_DEFAULTS));

  r.post('/console/campaigns', staff, async (req, res) => {
    const form = (req.body ?? {}) as FormBody;
    const body = campaignInput.safeParse(campaignFromForm(form));
    if (!body.success) return editor(res, t(ctxOf(res).lang, 'camp.new'), '/console/campaigns', form, errorsOf(body.error), 400);
    const c = await db.transaction().execute((trx) => createCampaign(trx, body.data, ctxOf(res).staff, deps.clock(), 'console'));
    res.redirect(303, `/console/campaigns/${c.id}?done=created`);
  });

  // The audience builder's live count (htmx): counts only, no customer is named.
  r.post('/console/campaigns/audience', staff, async (req, res) => {
    const { lang } = ctxOf(res);
    const form = (req.body ?? {}) as FormBody;
    const a = audienceSchema.safeParse(audienceFromForm(form));
    const zone = String(form.timeZone ?? '').trim() || 'UTC';
    const counted = a.success
      ? await countAudience(db, a.data, zone, deps.clock(), deps.config.marketingWeeklyCap).catch(() => ({ problem: 'timeZone: not a time zone' }))
      : { problem: errorsOf(a.error) };
    res.type('html').send(audienceCount(lang, counted).value);
  });

  r.get('/console/campaigns/:id/edit', staff, async (req, res) => {
    const c = await load(req.params.id);
    if (!c) return notFound(res);
    editor(res, t(ctxOf(res).lang, 'camp.edit', { name: c.name }), `/console/campaigns/${c.id}/edit`, { ...formFromCampaign(c), version: String(c.version) });
  });

  r.post('/console/campaigns/:id/edit', staff, async (req, res) => {
    const c = await load(req.params.id);
    if (!c) return notFound(res);
    const form = (req.body ?? {}) as FormBody;
    const title = t(ctxOf(res).lang, 'camp.edit', { name: c.name });
    const body = campaignPatch.safeParse({ ...campaignFromForm(form), version: Number(form.version) || c.version });
    if (!body.success) return editor(res, title, `/console/campaigns/${c.id}/edit`, form, errorsOf(body.error), 400);
    const change = await db.transaction().execute((trx) => updateCampaign(trx, c.id, body.data, ctxOf(res).staff, deps.clock(), 'console'));
    if (change.kind === 'done') return res.redirect(303, `/console/campaigns/${c.id}?done=saved`);
    if (change.kind === 'unknown') return notFound(res);
    editor(res, title, `/console/campaigns/${c.id}/edit`, form, change.reason, 409);
  });

  campaignPage(r, deps, staff, load, notFound);
}
