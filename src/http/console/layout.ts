import type { Response } from 'express';
import type { Role } from '../../domain/staff';
import { CAMPAIGN_ROLES } from '../campaigns';
import { EDITORS } from '../info-keywords';
import { html, type Html } from './html';
import { type MessageKey, t, type UiLang } from './i18n';
import type { ConsoleCtx } from './session';

/** Who works cases and sign-ups (as the staff API's `/api/registrations` and `/api/cases`). */
export const AGENT_ROLES: readonly Role[] = ['agent', 'supervisor', 'admin'];
/** Who reads the service levels. */
export const SUPERVISOR_ROLES: readonly Role[] = ['supervisor', 'admin'];
/** Every role. */
export const ALL_ROLES: readonly Role[] = ['agent', 'marketing', 'supervisor', 'admin'];

/** A page in the menu, shown only to the roles that may open it. */
export interface NavEntry {
  path: string;
  key: MessageKey;
  roles: readonly Role[];
  /** Only where the phone simulator runs: outside production, with the dev channel on. */
  simulator?: boolean;
}

/** The menu; Campaigns and Keywords take the staff API's roles for them. */
export const NAV: readonly NavEntry[] = [
  { path: '/console/inbox', key: 'nav.inbox', roles: AGENT_ROLES },
  { path: '/console/customers', key: 'nav.customers', roles: AGENT_ROLES },
  { path: '/console/phone', key: 'nav.phone', roles: ALL_ROLES, simulator: true },
  { path: '/console/campaigns', key: 'nav.campaigns', roles: CAMPAIGN_ROLES },
  { path: '/console/keywords', key: 'nav.keywords', roles: EDITORS },
  { path: '/console/dashboard', key: 'nav.dashboard', roles: SUPERVISOR_ROLES },
  { path: '/console/staff', key: 'nav.staff', roles: ['admin'] },
];

/** The menu entries a staff member may open (`simulator`: whether the phone simulator runs here). */
export function navFor(role: Role, simulator: boolean): NavEntry[] {
  return NAV.filter((e) => e.roles.includes(role) && (simulator || !e.simulator));
}

const LANG_ATTR: Record<UiLang, string> = { en: 'en', zh: 'zh-CN', 'zh-HK': 'zh-HK' };

/** The document around a page's content; `ctx` absent: signed out (no menu). */
export function shell(lang: UiLang, title: string, content: Html, ctx?: ConsoleCtx & { path: string; back: string; simulator: boolean }): Html {
  const menu = ctx
    ? html`<header class="top">
        <a class="brand" href="/console">Uplink</a>
        <nav aria-label="${t(lang, 'nav.main')}">
          <ul>
            ${navFor(ctx.staff.role, ctx.simulator).map(
              (e) =>
                html`<li>
                  <a href="${e.path}" ${ctx.path.startsWith(e.path) ? html`aria-current="page"` : ''}>${t(lang, e.key)}</a>
                  ${
                    e.path === '/console/inbox'
                      ? html`<span class="badge" id="inbox-count" hx-get="/console/inbox/counts" hx-trigger="load, every 5s"></span>`
                      : ''
                  }
                </li>`,
            )}
          </ul>
        </nav>
        <div class="who">
          <span>${t(lang, 'signedin', { name: ctx.staff.name, role: t(lang, `role.${ctx.staff.role}`) })}</span>
          <form method="post" action="/console/lang" class="inline">
            <input type="hidden" name="_csrf" value="${ctx.session.csrf}" />
            <input type="hidden" name="back" value="${ctx.back}" />
            <label for="lang-select">${t(lang, 'lang.label')}</label>
            <select id="lang-select" name="locale">
              ${(['en', 'zh-CN', 'zh-HK'] as const).map(
                (l) =>
                  html`<option value="${l}" ${ctx.staff.locale === l ? html`selected` : ''}>
                    ${{ en: 'English', 'zh-CN': '简体中文', 'zh-HK': '繁體中文' }[l]}
                  </option>`,
              )}
            </select>
            <button type="submit">${t(lang, 'lang.submit')}</button>
          </form>
          <form method="post" action="/console/signout" class="inline">
            <input type="hidden" name="_csrf" value="${ctx.session.csrf}" />
            <button type="submit">${t(lang, 'signout')}</button>
          </form>
        </div>
      </header>`
    : '';
  const headers = ctx ? JSON.stringify({ 'X-CSRF-Token': ctx.session.csrf }) : '{}';
  return html`<!doctype html>
    <html lang="${LANG_ATTR[lang]}">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>${title} · ${t(lang, 'app.title')}</title>
        <link rel="stylesheet" href="/console/assets/uPlot.min.css" />
        <link rel="stylesheet" href="/console/assets/console.css" />
        <script src="/console/assets/htmx.min.js" defer></script>
        <script src="/console/assets/uPlot.iife.min.js" defer></script>
        <script src="/console/assets/console.js" defer></script>
      </head>
      <body hx-headers="${headers}">
        <a class="skip" href="#main">${t(lang, 'skip')}</a>
        ${menu}
        <main id="main" tabindex="-1">
          <h1>${title}</h1>
          ${content}
        </main>
      </body>
    </html>`;
}

/** Sends a signed-in page. */
export function sendPage(res: Response, ctx: ConsoleCtx, title: string, content: Html, status = 200): void {
  const simulator = res.locals.simulator === true;
  const path = String(res.locals.path ?? '');
  const back = String(res.locals.back ?? path);
  res
    .status(status)
    .type('html')
    .send(shell(ctx.lang, title, content, { ...ctx, path, back, simulator }).value);
}

/** A hidden field carrying the session's CSRF token: every form has one. */
export function csrfField(ctx: ConsoleCtx): Html {
  return html`<input type="hidden" name="_csrf" value="${ctx.session.csrf}" />`;
}
