import type { Router } from 'express';
import { deliveryByRoute, perAgent, queueDepth, replyLatency, slaStates, textsByCommand, textsPerHour } from '../../domain/stats';
import { html, type Html, raw } from './html';
import { duration, t } from './i18n';
import type { ConsoleDeps } from './index';
import { SUPERVISOR_ROLES, sendPage } from './layout';
import { forbidden } from './pages';
import { parseRange } from './range';
import { allow, ctxOf } from './session';

/** Horizontal bars (a chart drawn in HTML: readable without script, by screen readers and at 390 px). */
function bars(rows: { label: string; value: number; text?: string; tone?: string }[], label: string): Html {
  const max = Math.max(1, ...rows.map((r) => r.value));
  return html`<ul class="bars" aria-label="${label}">
    ${rows.map(
      (r) =>
        html`<li>
          <span class="bar-label">${r.label}</span>
          <span class="bar-track"><span class="bar ${r.tone ?? ''}" style="width:${Math.round((r.value / max) * 100)}%"></span></span>
          <span class="bar-value">${r.text ?? r.value}</span>
        </li>`,
    )}
  </ul>`;
}

const ms = (v: number | null) => (v === null ? '–' : v < 1000 ? `${Math.round(v)} ms` : `${(v / 1000).toFixed(1)} s`);

/** The supervisors' dashboard: the service levels over a date range, as charts. */
export function dashboardPage(r: Router, deps: ConsoleDeps): void {
  r.get('/console/dashboard', allow(SUPERVISOR_ROLES, forbidden), async (req, res) => {
    const ctx = ctxOf(res);
    const { lang } = ctx;
    const now = deps.clock();
    const range = parseRange(req.query.from, req.query.to, now);
    const picked = 'problem' in range ? parseRange(undefined, undefined, now) : range;
    if ('problem' in picked) throw new Error('the default range is always valid');
    const [hourly, commands, latency, routes, queue, sla, agents] = await Promise.all([
      textsPerHour(deps.db, picked),
      textsByCommand(deps.db, picked),
      replyLatency(deps.db, picked),
      deliveryByRoute(deps.db, picked),
      queueDepth(deps.db),
      slaStates(deps.db, now),
      perAgent(deps.db, picked),
    ]);
    const none = html`<p class="empty">${t(lang, 'dash.none')}</p>`;
    const hours: number[] = [];
    for (let h = picked.from.getTime(); h < picked.to.getTime(); h += 3_600_000) hours.push(h);
    const byHour = new Map(hourly.map((x) => [x.hour.getTime(), x]));
    const series = {
      labels: { in: t(lang, 'dash.in'), out: t(lang, 'dash.out') },
      x: hours.map((h) => h / 1000),
      in: hours.map((h) => byHour.get(h)?.in ?? 0),
      out: hours.map((h) => byHour.get(h)?.out ?? 0),
    };
    const binds = deps.transports();
    const form = html`<form method="get" action="/console/dashboard" class="range">
      ${'problem' in range ? html`<p class="error" role="alert">${t(lang, 'dash.badRange', { why: range.problem })}</p>` : ''}
      <label for="from">${t(lang, 'dash.from')}</label><input type="date" id="from" name="from" value="${picked.fromDay}" />
      <label for="to">${t(lang, 'dash.to')}</label><input type="date" id="to" name="to" value="${picked.toDay}" />
      <button type="submit">${t(lang, 'dash.show')}</button>
    </form>`;
    const content = html`${form}
      <div class="grid">
        <section class="card wide" aria-labelledby="h-hourly">
          <h2 id="h-hourly">${t(lang, 'dash.perHour')}</h2>
          <div
            class="chart"
            data-chart="chart-hourly"
            role="img"
            aria-label="${t(lang, 'dash.perHour')}: ${t(lang, 'dash.in')} ${series.in.reduce((a, b) => a + b, 0)}, ${t(lang, 'dash.out')} ${series.out.reduce((a, b) => a + b, 0)}"
          ></div>
          <script type="application/json" id="chart-hourly">
            ${raw(JSON.stringify(series).replace(/</g, '\\u003c'))}
          </script>
        </section>
        <section class="card" aria-labelledby="h-cmd">
          <h2 id="h-cmd">${t(lang, 'dash.byCommand')}</h2>
          ${
            commands.length === 0
              ? none
              : bars(
                  commands.map((c) => ({ label: c.command, value: c.count })),
                  t(lang, 'dash.byCommand'),
                )
          }
        </section>
        <section class="card" aria-labelledby="h-lat">
          <h2 id="h-lat">${t(lang, 'dash.latency')}</h2>
          <p class="big">
            <span>${t(lang, 'dash.p50')} <strong>${ms(latency.p50)}</strong></span> <span>${t(lang, 'dash.p95')} <strong>${ms(latency.p95)}</strong></span>
          </p>
          <p class="hint">${latency.replies} ${t(lang, 'dash.replies')}</p>
        </section>
        <section class="card" aria-labelledby="h-route">
          <h2 id="h-route">${t(lang, 'dash.delivery')}</h2>
          ${
            routes.length === 0
              ? none
              : bars(
                  routes.map((x) => {
                    const settled = x.delivered + x.failed;
                    const rate = settled === 0 ? 0 : x.delivered / settled;
                    return {
                      label: x.route,
                      value: rate * 100,
                      tone: rate >= 0.95 ? 'good' : 'warn',
                      text: `${settled === 0 ? '–' : `${(rate * 100).toFixed(1)}%`} (${t(lang, 'dash.delivered')} ${x.delivered}, ${t(lang, 'dash.failed')} ${x.failed}, ${t(lang, 'dash.sent')} ${x.sent})`,
                    };
                  }),
                  t(lang, 'dash.delivery'),
                )
          }
        </section>
        <section class="card" aria-labelledby="h-queue">
          <h2 id="h-queue">${t(lang, 'dash.queue')}</h2>
          ${bars(
            Object.entries(queue).map(([label, value]) => ({ label, value })),
            t(lang, 'dash.queue'),
          )}
        </section>
        <section class="card" aria-labelledby="h-binds">
          <h2 id="h-binds">${t(lang, 'dash.binds')}</h2>
          ${
            binds.length === 0
              ? html`<p class="hint">${t(lang, 'dash.nobinds')}</p>`
              : html`<ul class="binds">
                  ${binds.map((b) => html`<li class="${b.up ? 'up' : 'down'}">${b.name}: ${b.up ? t(lang, 'dash.up') : t(lang, 'dash.down')}</li>`)}
                </ul>`
          }
        </section>
        <section class="card" aria-labelledby="h-sla">
          <h2 id="h-sla">${t(lang, 'dash.sla')}</h2>
          ${bars(
            (['ok', 'soon', 'breached'] as const).map((s) => ({ label: s, value: sla[s], tone: s === 'ok' ? 'good' : s === 'soon' ? 'warn' : 'bad' })),
            t(lang, 'dash.sla'),
          )}
        </section>
        <section class="card wide" aria-labelledby="h-agents">
          <h2 id="h-agents">${t(lang, 'dash.agents')}</h2>
          ${
            agents.length === 0
              ? none
              : html`${bars(
                    agents.map((a) => ({ label: `${a.name} (${a.staff})`, value: a.handled })),
                    t(lang, 'dash.handled'),
                  )}
                  <table>
                    <thead>
                      <tr>
                        <th scope="col">${t(lang, 'dash.agent')}</th>
                        <th scope="col">${t(lang, 'dash.handled')}</th>
                        <th scope="col">${t(lang, 'dash.median')}</th>
                        <th scope="col">${t(lang, 'dash.quality')}</th>
                      </tr>
                    </thead>
                    <tbody>
                      ${agents.map(
                        (a) =>
                          html`<tr>
                            <td>${a.name} (${a.staff})</td>
                            <td>${a.handled}</td>
                            <td>${a.medianMinutes === null ? '–' : duration(a.medianMinutes)}</td>
                            <td>${a.quality === null ? '–' : `${a.quality} / 5 (${a.surveys})`}</td>
                          </tr>`,
                      )}
                    </tbody>
                  </table>`
          }
        </section>
      </div>`;
    sendPage(res, ctx, t(lang, 'dash.title'), content);
  });
}
