import { randomBytes, timingSafeEqual } from 'node:crypto';
import { type Request, type Response, Router } from 'express';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { AppConfig } from '../../config';
import type { InboundPipeline } from '../../core/inbound/pipeline';
import type { Notifier } from '../../core/messaging/notifier';
import type { Database } from '../../db/schema';
import { audit } from '../../domain/audit';
import { closeSession, openSession, sweepSessions } from '../../domain/console-sessions';
import { authenticateToken } from '../../domain/staff';
import type { Clock } from '../../shared/clock';
import type { Logger } from '../../shared/log';
import { projectPath } from '../../shared/paths';
import { requestSource } from '../bearer';
import type { TransportState } from '../health';
import { campaignPages } from './campaigns';
import { customerPages } from './customer';
import { dashboardPage } from './dashboard';
import { html } from './html';
import { t, type UiLang } from './i18n';
import { inboxPages } from './inbox';
import { keywordPages } from './keywords';
import { navFor, sendPage, shell } from './layout';
import { phonePage } from './phone';
import { cookie, ctxOf, parseCookies, requireSession, SESSION_COOKIE, SIGNIN_COOKIE } from './session';
import { staffPages } from './staff';

/** What the console serves from (a part of the app's dependencies). */
export interface ConsoleDeps {
  config: AppConfig;
  db: Kysely<Database>;
  pipeline: InboundPipeline;
  notifier: Notifier;
  clock: Clock;
  kick: () => void;
  log: Logger;
  transports: () => TransportState[];
}

/** The files the console's pages load, each from a fixed place: npm packages and our own two. */
const ASSETS: Record<string, { file: string; type: string }> = {
  'htmx.min.js': { file: projectPath('node_modules/htmx.org/dist/htmx.min.js'), type: 'text/javascript' },
  'uPlot.iife.min.js': { file: projectPath('node_modules/uplot/dist/uPlot.iife.min.js'), type: 'text/javascript' },
  'uPlot.min.css': { file: projectPath('node_modules/uplot/dist/uPlot.min.css'), type: 'text/css' },
  'console.js': { file: projectPath('assets/console/console.js'), type: 'text/javascript' },
  'console.css': { file: projectPath('assets/console/console.css'), type: 'text/css' },
};

const sameToken = (a: string, b: string) => a.length === b.length && a.length > 0 && timingSafeEqual(Buffer.from(a), Buffer.from(b));

/**
 * The staff console at `/console`: server-rendered pages with htmx (see docs/console.md). Sign-in
 * takes a staff token once and opens a session (cookie: HttpOnly, SameSite=Strict, Secure outside
 * development); every other page needs the session, every form its CSRF token, and each page a role.
 */
export function consoleRouter(deps: ConsoleDeps): Router {
  const r = Router();
  const secure = deps.config.env !== 'development';
  const simulator = deps.config.env !== 'production' && deps.config.devChannel;
  // Signed out, the browser's first language chooses: English, Traditional (Hong Kong, Taiwan, Macau) or Simplified Chinese.
  const langOf = (req: Request): UiLang => {
    const first = req.get('accept-language') ?? '';
    return /^en\b/i.test(first) ? 'en' : /^zh-(HK|TW|MO|Hant)\b/i.test(first) ? 'zh-HK' : 'zh';
  };

  r.get('/console/assets/:name', (req, res) => {
    const asset = ASSETS[req.params.name];
    if (!asset) {
      res.status(404).type('text/plain').send('Not found');
      return;
    }
    res.set('Cache-Control', 'public, max-age=3600').type(asset.type).sendFile(asset.file);
  });

  const signInPage = (req: Request, res: Response, status: number, message?: string) => {
    const lang = langOf(req);
    const nonce = randomBytes(32).toString('base64url');
    res.set('Set-Cookie', cookie(SIGNIN_COOKIE, nonce, { path: '/console/signin', secure, maxAgeSeconds: 3600 }));
    const body = html`<form method="post" action="/console/signin" class="card narrow">
      ${message ? html`<p class="error" role="alert">${message}</p>` : ''}
      <input type="hidden" name="_csrf" value="${nonce}" />
      <label for="token">${t(lang, 'signin.token')}</label>
      <input id="token" name="token" type="password" autocomplete="off" required aria-describedby="token-help" />
      <p id="token-help" class="hint">${t(lang, 'signin.help')}</p>
      <button type="submit">${t(lang, 'signin.submit')}</button>
    </form>`;
    res
      .status(status)
      .type('html')
      .send(shell(lang, t(lang, 'signin.title'), body).value);
  };

  r.get('/console/signin', (req, res) => signInPage(req, res, 200, req.query.expired ? t(langOf(req), 'signin.expired') : undefined));

  r.post('/console/signin', async (req, res) => {
    const body = z.object({ token: z.string().max(200), _csrf: z.string().max(100) }).safeParse(req.body ?? {});
    const nonce = parseCookies(req.get('cookie'))[SIGNIN_COOKIE] ?? '';
    if (!body.success || !sameToken(body.data._csrf, nonce)) {
      deps.log.warn({ ...requestSource(req) }, 'console: sign-in form without its CSRF token refused (403)');
      return signInPage(req, res, 403, t(langOf(req), 'csrf.body'));
    }
    const token = body.data.token.trim();
    const checked = /^[A-Za-z0-9_-]{10,200}$/.test(token)
      ? await authenticateToken(deps.db, token, deps.clock(), deps.config.staffTokenDays)
      : ({ refused: 'malformed' } as const);
    if ('refused' in checked) {
      deps.log.warn({ ...requestSource(req), reason: checked.refused }, 'console: sign-in refused (401)');
      return signInPage(req, res, 401, t(langOf(req), 'signin.refused'));
    }
    const { staff } = checked;
    await sweepSessions(deps.db, deps.clock(), deps.config.consoleIdleMinutes); // idle ones nobody came back to
    const session = await openSession(deps.db, staff.id, deps.clock());
    await audit(deps.db, { actorType: 'staff', actorId: staff.id, channel: 'console', action: 'console.signin', subject: `staff:${staff.external_id}` });
    res.append('Set-Cookie', cookie(SESSION_COOKIE, session.id, { path: '/console', secure }));
    res.append('Set-Cookie', cookie(SIGNIN_COOKIE, '', { path: '/console/signin', secure, maxAgeSeconds: 0 }));
    res.redirect(303, '/console');
  });

  const forged = (_req: Request, res: Response) => {
    const ctx = ctxOf(res);
    sendPage(res, ctx, t(ctx.lang, 'csrf.title'), html`<p class="error" role="alert">${t(ctx.lang, 'csrf.body')}</p>`, 403);
  };
  r.use('/console', requireSession({ ...deps, idleMinutes: deps.config.consoleIdleMinutes }, forged));
  r.use('/console', (req, res, next) => {
    res.locals.simulator = simulator;
    res.locals.path = req.originalUrl.split('?')[0];
    res.locals.back = req.method === 'GET' ? req.originalUrl : res.locals.path;
    next();
  });

  r.get('/console', (_req, res) => {
    const ctx = ctxOf(res);
    const first = navFor(ctx.staff.role, simulator)[0];
    if (first) return res.redirect(303, first.path);
    sendPage(res, ctx, t(ctx.lang, 'home.title'), html`<p>${t(ctx.lang, 'home.body')}</p>`);
  });

  r.post('/console/signout', async (req, res) => {
    const id = parseCookies(req.get('cookie'))[SESSION_COOKIE] ?? '';
    await closeSession(deps.db, id);
    await audit(deps.db, { actorType: 'staff', actorId: ctxOf(res).staff.id, channel: 'console', action: 'console.signout' });
    res.set('Set-Cookie', cookie(SESSION_COOKIE, '', { path: '/console', secure, maxAgeSeconds: 0 }));
    res.redirect(303, '/console/signin');
  });

  r.post('/console/lang', async (req, res) => {
    const body = z.object({ locale: z.enum(['en', 'zh-CN', 'zh-HK']), back: z.string().max(500).optional() }).safeParse(req.body);
    if (body.success) await deps.db.updateTable('staff').set({ locale: body.data.locale }).where('id', '=', ctxOf(res).staff.id).execute();
    // Back to the page the form was on: only a console path (never another site, `//host` included).
    const back = body.success ? body.data.back : undefined;
    res.redirect(303, back && /^\/console(\/[^/\\][^\\]*)?$/.test(back) ? back : '/console');
  });

  inboxPages(r, deps);
  customerPages(r, deps);
  if (simulator) phonePage(r, deps); // never in production
  campaignPages(r, deps);
  keywordPages(r, deps);
  dashboardPage(r, deps);
  staffPages(r, deps);
  return r;
}
