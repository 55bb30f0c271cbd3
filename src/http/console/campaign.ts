import type { RequestHandler, Response, Router } from 'express';
import { z } from 'zod';
import { controlCampaign } from '../../core/campaigns/control';
import { NO_AUTHOR_PHONE, previewCampaign, testSend, testSendRefusal } from '../../core/campaigns/preview';
import { approveCampaign, type CampaignChange } from '../../domain/campaigns/campaigns';
import { campaignReport, reportCsv } from '../../domain/campaigns/report';
import type { Campaign } from '../../db/schema';
import { everyMinute, localeName } from './campaign-editor';
import { html, type Html, raw } from './html';
import { type MessageKey, t } from './i18n';
import type { ConsoleDeps } from './index';
import { csrfField, sendPage } from './layout';
import { when } from './pages';
import { ctxOf } from './session';

const MOVES = ['approve', 'pause', 'resume', 'cancel', 'test-send'] as const;
type Move = (typeof MOVES)[number];
/** Which buttons a campaign in each status shows (the domain refuses the rest anyway). */
const SHOWN: Record<Move, readonly string[]> = {
  'test-send': ['draft', 'approved'],
  approve: ['draft'],
  pause: ['approved', 'running'],
  resume: ['paused'],
  cancel: ['draft', 'approved', 'running', 'paused'],
};
const doneQuery = z.object({ done: z.enum(['created', 'saved', ...MOVES]).optional() });

/** A campaign's page: its facts, preview per language with cost, the actions its status allows, and its report with a chart. */
export function campaignPage(
  r: Router,
  deps: ConsoleDeps,
  staff: RequestHandler,
  load: (id: unknown) => Promise<Campaign | undefined>,
  notFound: (res: Response) => void,
): void {
  const { db } = deps;
  const names = new Map<number, string>();
  const nameOf = async (id: number | null) => {
    if (id === null) return '–';
    if (!names.has(id)) names.set(id, (await db.selectFrom('staff').select('name').where('id', '=', id).executeTakeFirst())?.name ?? String(id));
    return names.get(id)!;
  };

  const page = async (res: Response, c: Campaign, notice?: Html, status = 200) => {
    const ctx = ctxOf(res);
    const { lang } = ctx;
    const now = deps.clock();
    const [preview, report, author, approver] = await Promise.all([
      previewCampaign(db, deps.notifier, c, now, deps.config.marketingWeeklyCap),
      campaignReport(db, c.id),
      nameOf(c.created_by),
      nameOf(c.approved_by),
    ]);
    const fact = (k: MessageKey, v: unknown) =>
      html`<dt>${t(lang, k)}</dt>
        <dd>${v}</dd>`;
    const actions = MOVES.filter((m) => SHOWN[m].includes(c.status)).map(
      (m) =>
        html`<form method="post" action="/console/campaigns/${c.id}/${m}" class="inline">
          ${csrfField(ctx)}<button type="submit" class="${m === 'approve' ? 'primary' : m === 'cancel' ? 'danger' : ''}">${t(lang, `camp.do.${m}`)}</button>
        </form>`,
    );
    const minutes = everyMinute(report.perMinute);
    const chart = {
      x: minutes.map((p) => Date.parse(p.minute) / 1000),
      series: [
        { label: t(lang, 'camp.sent'), stroke: '#1f6feb', values: minutes.map((p) => p.sent) },
        { label: t(lang, 'camp.delivered'), stroke: '#1a7f37', values: minutes.map((p) => p.delivered) },
        { label: t(lang, 'camp.failed'), stroke: '#cf222e', values: minutes.map((p) => p.failed) },
      ],
    };
    const figure = (k: MessageKey, n: number) => html`<li><span>${t(lang, k)}</span> <strong id="r-${k.slice(5)}">${n}</strong></li>`;
    const content = html`${notice ?? ''}
      <section class="card" aria-labelledby="h-facts">
        <h2 id="h-facts">${t(lang, 'camp.about')}</h2>
        <dl class="facts">
          ${fact('camp.status', html`<span class="pill pill-${c.status}" id="camp-status">${t(lang, `cstatus.${c.status}`)}</span>`)}
          ${fact('camp.purpose', c.purpose)} ${fact('camp.version', c.version)} ${fact('camp.author', author)} ${fact('camp.approver', approver)}
          ${fact('camp.nextRun', c.next_run_at ? when(c.next_run_at) : '–')} ${fact('camp.keyword', c.promoted_keyword ?? '–')}
          ${fact('camp.rate', c.rate_per_second)} ${fact('camp.validity', c.validity_minutes)}
        </dl>
        <div class="actions">
          ${['draft', 'approved'].includes(c.status) ? html`<a class="button" href="/console/campaigns/${c.id}/edit">${t(lang, 'camp.do.edit')}</a>` : ''}
          ${actions}
        </div>
      </section>
      <section class="card" aria-labelledby="h-preview">
        <h2 id="h-preview">${t(lang, 'camp.preview')}</h2>
        <div class="previews">
          ${preview.languages.map(
            (l) =>
              html`<figure class="preview" data-language="${l.language}">
                <figcaption>${localeName(l.language)}${l.sampleCustomer ? html` · ${t(lang, 'camp.sample', { id: l.sampleCustomer })}` : ''}</figcaption>
                <p class="bubble out"><span class="text">${l.text}</span></p>
                <p class="hint">${t(lang, 'camp.measure', { encoding: l.encoding, characters: l.characters, segments: l.segments })}</p>
              </figure>`,
          )}
        </div>
        <p class="big" id="camp-cost">${t(lang, 'camp.cost', { recipients: preview.recipients, segments: preview.totalSegments })}</p>
      </section>
      <section class="card" aria-labelledby="h-report">
        <h2 id="h-report">${t(lang, 'camp.report')}</h2>
        <ul class="facts-list" id="report-figures">
          ${figure('camp.targeted', report.targeted)} ${figure('camp.sent', report.sent)} ${figure('camp.delivered', report.delivered)}
          ${figure('camp.failed', report.failed)} ${figure('camp.expired', report.expired)} ${figure('camp.pending', report.pending)}
          ${figure('camp.replies', report.replies)} ${figure('camp.optOuts', report.optOuts)}
        </ul>
        ${
          report.perMinute.length === 0
            ? html`<p class="empty">${t(lang, 'camp.notSent')}</p>`
            : html`<div
                  class="chart"
                  data-chart="chart-campaign"
                  role="img"
                  aria-label="${t(lang, 'camp.chart', { sent: report.sent, delivered: report.delivered, failed: report.failed })}"
                ></div>
                <script type="application/json" id="chart-campaign">
                  ${raw(JSON.stringify(chart).replace(/</g, '\\u003c'))}
                </script>`
        }
        <p><a href="/console/campaigns/${c.id}/report.csv" download>${t(lang, 'camp.csv')}</a></p>
      </section>`;
    sendPage(res, ctx, c.name, content, status);
  };

  r.get('/console/campaigns/:id', staff, async (req, res) => {
    const c = await load(req.params.id);
    if (!c) return notFound(res);
    const q = doneQuery.safeParse(req.query);
    const done = q.success ? q.data.done : undefined;
    await page(res, c, done ? html`<p class="flash ok" role="status">${t(ctxOf(res).lang, `camp.done.${done}`)}</p>` : undefined);
  });

  r.get('/console/campaigns/:id/report.csv', staff, async (req, res) => {
    const c = await load(req.params.id);
    if (!c) return notFound(res);
    res
      .type('text/csv')
      .set('Content-Disposition', `attachment; filename="campaign-${c.id}.csv"`)
      .send(reportCsv(await campaignReport(db, c.id)));
  });

  for (const move of MOVES)
    r.post(`/console/campaigns/:id/${move}`, staff, async (req, res) => {
      const c = await load(req.params.id);
      if (!c) return notFound(res);
      const me = ctxOf(res).staff;
      const refuse = (reason: string, status: number) => page(res, c, html`<p class="flash error" role="alert">${reason}</p>`, status);
      if (move === 'test-send') {
        const refusal = testSendRefusal(c);
        if (refusal) return refuse(refusal, 409);
        const sent = await testSend(db, deps.notifier, c, me, deps.clock(), deps.config.marketingWeeklyCap, 'console');
        if (!sent) return refuse(NO_AUTHOR_PHONE, 409);
        deps.kick();
        return res.redirect(303, `/console/campaigns/${c.id}?done=test-send`);
      }
      const change: CampaignChange = await db
        .transaction()
        .execute((trx) =>
          move === 'approve' ? approveCampaign(trx, c.id, me, deps.clock(), 'console') : controlCampaign(trx, c.id, move, me, deps.clock(), 'console'),
        );
      if (move === 'resume') deps.kick();
      if (change.kind === 'done') return res.redirect(303, `/console/campaigns/${c.id}?done=${move}`);
      if (change.kind === 'unknown') return notFound(res);
      await refuse(change.reason, change.kind === 'forbidden' ? 403 : 409);
    });
}
