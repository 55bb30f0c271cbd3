import type { Request, Response } from 'express';
import { html } from './html';
import { t } from './i18n';
import { sendPage } from './layout';
import { ctxOf } from './session';

/** The 403 page for a role that may not open a page (it names no role that may). */
export function forbidden(req: Request, res: Response): void {
  const ctx = ctxOf(res);
  if (req.get('hx-request')) {
    res.status(403).end();
    return;
  }
  sendPage(res, ctx, t(ctx.lang, 'forbidden.title'), html`<p class="error" role="alert">${t(ctx.lang, 'forbidden.body')}</p>`, 403);
}

/** A timestamp as staff read it, in UTC to the minute. */
export function when(d: Date): string {
  return `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}
