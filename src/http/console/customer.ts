import type { Router } from 'express';
import { audit } from '../../domain/audit';
import { customerView, searchCustomers } from '../../domain/customer-view';
import { html } from './html';
import { t } from './i18n';
import type { ConsoleDeps } from './index';
import { slaBadge } from './inbox';
import { AGENT_ROLES, sendPage } from './layout';
import { forbidden, when } from './pages';
import { allow, ctxOf } from './session';
import { thread } from './thread';

const money = (amount: number, currency: string) => `${currency} ${Number(amount).toFixed(2)}`;

/** Customer search (mobile, name, card last 4) and one customer's page; every read is audited, as in the staff API. */
export function customerPages(r: Router, deps: ConsoleDeps): void {
  const agents = allow(AGENT_ROLES, forbidden);
  r.get('/console/customers', agents, async (req, res) => {
    const ctx = ctxOf(res);
    const { lang } = ctx;
    const q = typeof req.query.q === 'string' ? req.query.q.slice(0, 64) : '';
    const searchable = q.trim().length >= 2;
    const found = searchable ? await searchCustomers(deps.db, q, deps.config.defaultRegion) : [];
    if (searchable)
      await audit(deps.db, { actorType: 'staff', actorId: ctx.staff.id, channel: 'console', action: 'customers.search', details: { q, count: found.length } });
    const results = !searchable
      ? html`<p class="hint">${t(lang, 'customers.hint')}</p>`
      : found.length === 0
        ? html`<p class="empty">${t(lang, 'customers.none')}</p>`
        : html`<ul class="results">
            ${found.map(
              (c) =>
                html`<li>
                  <a href="/console/customers/${encodeURIComponent(c.external_id)}">${c.name}</a> <span class="tier tier-${c.tier}">${c.tier}</span> ${c.mobile}
                </li>`,
            )}
          </ul>`;
    sendPage(
      res,
      ctx,
      t(lang, 'customers.title'),
      html`<form method="get" action="/console/customers" class="search" role="search">
          <label for="q">${t(lang, 'customers.search')}</label>
          <input id="q" name="q" value="${q}" maxlength="64" autocomplete="off" />
          <button type="submit">${t(lang, 'customers.go')}</button>
        </form>
        ${results}`,
    );
  });

  r.get('/console/customers/:id', agents, async (req, res) => {
    const ctx = ctxOf(res);
    const { lang } = ctx;
    const id = String(req.params.id).slice(0, 64);
    const view = await customerView(deps.db, id);
    await audit(deps.db, {
      actorType: 'staff',
      actorId: ctx.staff.id,
      channel: 'console',
      action: 'customer.read',
      subject: `customer:${id}`,
      details: { found: Boolean(view) },
    });
    if (!view) return sendPage(res, ctx, t(lang, 'notfound'), html`<p class="error">${t(lang, 'notfound')}</p>`, 404);
    const { customer: c } = view;
    const now = deps.clock();
    const none = html`<p class="empty">${t(lang, 'customer.nothing')}</p>`;
    const profile = html`<section class="card" aria-labelledby="profile-h">
      <h2 id="profile-h">${t(lang, 'customer.profile')}</h2>
      <dl class="facts">
        <dt>${t(lang, 'customer.mobile')}</dt>
        <dd>${c.mobile}</dd>
        <dt>${t(lang, 'customer.tier')}</dt>
        <dd><span class="tier tier-${c.tier}">${c.tier}</span></dd>
        <dt>${t(lang, 'customer.language')}</dt>
        <dd>${c.locale}</dd>
        <dt>${t(lang, 'customer.consent')}</dt>
        <dd>${view.stopped ? t(lang, 'customer.stopped') : c.marketing_consent ? t(lang, 'customer.yes') : t(lang, 'customer.no')}</dd>
      </dl>
    </section>`;
    const cards = html`<section class="card" aria-labelledby="cards-h">
      <h2 id="cards-h">${t(lang, 'customer.cards')}</h2>
      <table>
        <thead>
          <tr>
            <th scope="col">${t(lang, 'customer.card')}</th>
            <th scope="col">${t(lang, 'customer.product')}</th>
            <th scope="col">${t(lang, 'customer.status')}</th>
            <th scope="col">${t(lang, 'customer.balance')}</th>
          </tr>
        </thead>
        <tbody>
          ${view.cards.map(
            (k) =>
              html`<tr>
                <td>****${k.last4}</td>
                <td>${k.product}</td>
                <td>${k.status}</td>
                <td>${money(k.balance, k.currency)}</td>
              </tr>`,
          )}
        </tbody>
      </table>
    </section>`;
    const pending = html`<section class="card" aria-labelledby="pending-h">
      <h2 id="pending-h">${t(lang, 'customer.pending')}</h2>
      ${
        view.registrations.length + view.checks.length === 0
          ? none
          : html`<ul>
              ${view.registrations.map((g) => html`<li>${g.code} · ${g.ref} · ${g.status} ${slaBadge(lang, 'registration', c.tier, g.created_at, now)}</li>`)}
              ${view.checks.map((k) => html`<li>${k.ref} · ${money(k.amount, k.currency)} · ${k.merchant} · ${when(k.created_at)}</li>`)}
            </ul>`
      }
    </section>`;
    const cases = html`<section class="card" aria-labelledby="cases-h">
      <h2 id="cases-h">${t(lang, 'customer.cases')}</h2>
      ${
        view.cases.length === 0
          ? none
          : html`<ul>
              ${view.cases.map((k) => html`<li>${k.ref} · ${k.kind} · ${k.status} · ${k.summary}${k.outcome ? html` → ${k.outcome}` : ''}</li>`)}
            </ul>`
      }
    </section>`;
    const talk = html`<section class="card phone" aria-labelledby="thread-h">
      <h2 id="thread-h">${t(lang, 'customer.thread')}</h2>
      ${view.thread.length === 0 ? none : thread(view.thread, t(lang, 'customer.thread'))}
    </section>`;
    sendPage(
      res,
      ctx,
      c.name,
      html`<div class="columns">
        <div>${profile}${cards}${pending}${cases}</div>
        <div>${talk}</div>
      </div>`,
    );
  });
}
