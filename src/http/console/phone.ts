import type { Response, Router } from 'express';
import { z } from 'zod';
import { cardholders } from '../../domain/customer-view';
import { conversation } from '../../domain/history';
import { textAndWait } from '../dev';
import { html } from './html';
import { t } from './i18n';
import type { ConsoleDeps } from './index';
import { ALL_ROLES, csrfField, sendPage } from './layout';
import { forbidden } from './pages';
import { allow, ctxOf } from './session';
import { thread } from './thread';

const textBody = z.object({ as: z.string().min(1).max(64), text: z.string().trim().min(1).max(1600) });

/**
 * The phone simulator (never in production: the console mounts it only where the dev channel is
 * on): text as a demo cardholder through the dev channel's door and see the replies in a thread.
 */
export function phonePage(r: Router, deps: ConsoleDeps): void {
  const anyone = allow(ALL_ROLES, forbidden);
  const render = async (res: Response, chosen: unknown) => {
    const ctx = ctxOf(res);
    const { lang } = ctx;
    const people = await cardholders(deps.db);
    const as = typeof chosen === 'string' && people.some((p) => p.external_id === chosen) ? chosen : people[0]?.external_id;
    const messages = as ? ((await conversation(deps.db, as, 30)) ?? []) : [];
    const who = people.find((p) => p.external_id === as);
    sendPage(
      res,
      ctx,
      t(lang, 'phone.title'),
      html`<p class="hint">${t(lang, 'phone.help')}</p>
        <div id="phone" class="handset">
          <form method="post" action="/console/phone" hx-post="/console/phone" hx-target="#phone" hx-select="#phone" hx-swap="outerHTML" class="stacked">
            ${csrfField(ctx)}
            <label for="as">${t(lang, 'phone.as')}</label>
            <select id="as" name="as" hx-get="/console/phone" hx-trigger="change" hx-target="#phone" hx-select="#phone" hx-swap="outerHTML">
              ${people.map((p) => html`<option value="${p.external_id}" ${p.external_id === as ? html`selected` : ''}>${p.name} · ${p.mobile} · ${p.tier}</option>`)}
            </select>
            <div class="screen" aria-live="polite">
              ${who ? html`<p class="screen-title">${who.name} · ${who.mobile}</p>` : ''}${thread(messages, t(lang, 'customer.thread'))}
            </div>
            <label for="text">${t(lang, 'phone.text')}</label>
            <div class="compose">
              <input id="text" name="text" maxlength="1600" required autocomplete="off" autofocus />
              <button type="submit" class="primary">${t(lang, 'phone.send')}</button>
            </div>
          </form>
        </div>`,
    );
  };
  r.get('/console/phone', anyone, (req, res) => render(res, req.query.as));

  r.post('/console/phone', anyone, async (req, res) => {
    const body = textBody.safeParse(req.body ?? {});
    if (!body.success) return res.redirect(303, '/console/phone');
    const holder = (await cardholders(deps.db)).find((p) => p.external_id === body.data.as);
    if (!holder) return res.redirect(303, '/console/phone');
    await textAndWait(deps.db, deps.pipeline, deps.kick, { from: holder.mobile, text: body.data.text, to: 'UPLINK' });
    // htmx swaps the answer in place (no redirect for it to follow); a plain form post gets one.
    if (req.get('hx-request')) return render(res, holder.external_id);
    res.redirect(303, `/console/phone?as=${encodeURIComponent(holder.external_id)}`);
  });
}
