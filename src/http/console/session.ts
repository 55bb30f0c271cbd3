import type { NextFunction, Request, Response } from 'express';
import type { Kysely } from 'kysely';
import type { Database, Staff } from '../../db/schema';
import { csrfMatches, findSession, type LiveSession } from '../../domain/console-sessions';
import type { Role } from '../../domain/staff';
import type { Clock } from '../../shared/clock';
import type { Logger } from '../../shared/log';
import { requestSource } from '../bearer';
import { type UiLang, uiLang } from './i18n';

/** The session cookie: only under /console, never readable by scripts, never sent cross-site. */
export const SESSION_COOKIE = 'uplink_console';
/** The sign-in form's own CSRF cookie (double submit: there is no session yet). */
export const SIGNIN_COOKIE = 'uplink_signin';

/** The cookies of a request, by name (the first of a repeated name). */
export function parseCookies(header: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    const name = part.slice(0, Math.max(0, eq)).trim();
    if (name && !(name in out)) out[name] = part.slice(eq + 1).trim();
  }
  return out;
}

/** A `Set-Cookie` value: HttpOnly and SameSite=Strict always; Secure unless `secure` is false (development). */
export function cookie(name: string, value: string, opts: { path: string; secure: boolean; maxAgeSeconds?: number }): string {
  const parts = [`${name}=${value}`, `Path=${opts.path}`, 'HttpOnly', 'SameSite=Strict'];
  if (opts.secure) parts.push('Secure');
  if (opts.maxAgeSeconds !== undefined) parts.push(`Max-Age=${opts.maxAgeSeconds}`);
  return parts.join('; ');
}

/** The signed-in staff member of a console request, their language and their session. */
export interface ConsoleCtx {
  staff: Staff;
  lang: UiLang;
  session: LiveSession;
}

/** The console context of a request (after `requireSession`). */
export function ctxOf(res: Response): ConsoleCtx {
  return res.locals.console as ConsoleCtx;
}

/** What the session checks need. */
export interface SessionDeps {
  db: Kysely<Database>;
  clock: Clock;
  log: Logger;
  idleMinutes: number;
}

/** Sends the browser to sign-in: a redirect, or for htmx's own requests its `HX-Redirect` header. */
function toSignIn(req: Request, res: Response, expired: boolean): void {
  const target = `/console/signin${expired ? '?expired=1' : ''}`;
  if (req.get('hx-request')) {
    res.set('HX-Redirect', target).status(401).end();
    return;
  }
  if (req.method === 'GET') return res.redirect(303, target);
  res.status(401).type('text/plain').send('Sign in first');
}

/**
 * Admits a request with a live session (else to sign-in), and refuses any other method than GET
 * whose CSRF token (form field `_csrf` or header `X-CSRF-Token`) is not the session's, with 403.
 */
export function requireSession(deps: SessionDeps, onForged: (req: Request, res: Response) => void) {
  return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    const id = parseCookies(req.get('cookie'))[SESSION_COOKIE];
    const session = id && /^[A-Za-z0-9_-]{43}$/.test(id) ? await findSession(deps.db, id, deps.clock(), deps.idleMinutes) : undefined;
    if (!session) return toSignIn(req, res, Boolean(id));
    res.locals.console = { staff: session.staff, lang: uiLang(session.staff.locale), session } satisfies ConsoleCtx;
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      const presented = (req.body as Record<string, unknown> | undefined)?._csrf ?? req.get('x-csrf-token') ?? '';
      if (typeof presented !== 'string' || !csrfMatches(session, presented)) {
        deps.log.warn({ ...requestSource(req), staff: session.staff.external_id }, 'console: form without its CSRF token refused (403)');
        return onForged(req, res);
      }
    }
    next();
  };
}

/** Admits staff with one of `roles`; others get `onRefused` (a 403 page). */
export function allow(roles: readonly Role[], onRefused: (req: Request, res: Response) => void) {
  return (req: Request, res: Response, next: NextFunction): void => {
    if (roles.includes(ctxOf(res).staff.role)) return next();
    onRefused(req, res);
  };
}
