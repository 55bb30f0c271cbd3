import type { z } from 'zod';
import { EXCLUSION_REASONS, type AudienceCount } from '../../domain/campaigns/audience';
import type { CampaignReport } from '../../domain/campaigns/report';
import { formatPath } from '../../shared/field-path';
import { html, type Html } from './html';
import { t, type UiLang } from './i18n';
import { CAMPAIGN_LOCALES, type FormBody } from './campaign-form';
import type { ConsoleCtx } from './session';
import { csrfField } from './layout';

const TIERS = ['standard', 'gold', 'platinum'] as const;
const CARD_STATUSES = ['inactive', 'active', 'frozen', 'closed'] as const;
const LOCALE_NAMES: Record<string, string> = { en: 'English', 'zh-CN': '简体中文', 'zh-HK': '繁體中文' };

type Minute = CampaignReport['perMinute'][number];

/**
 * The report's minutes with the quiet ones between them as zeros, and a zero minute either side
 * (a run of one minute is a peak, not a dot on an axis of years); up to a day of minutes.
 */
export function everyMinute(perMinute: Minute[]): Minute[] {
  if (perMinute.length === 0) return [];
  const first = Date.parse(perMinute[0].minute) - 60_000;
  const last = Date.parse(perMinute[perMinute.length - 1].minute) + 60_000;
  if ((last - first) / 60_000 > 24 * 60) return perMinute;
  const by = new Map(perMinute.map((m) => [Date.parse(m.minute), m]));
  const out: Minute[] = [];
  for (let at = first; at <= last; at += 60_000) out.push(by.get(at) ?? { minute: new Date(at).toISOString(), sent: 0, delivered: 0, failed: 0 });
  return out;
}

/** A zod error as staff read it: `field: problem; …`. */
export function errorsOf(error: z.ZodError): string {
  return error.issues.map((i) => `${formatPath(i.path)}: ${i.message}`).join('; ');
}

/** The name of a campaign language in its own script. */
export function localeName(l: string): string {
  return LOCALE_NAMES[l] ?? l;
}

/** The live audience count: who would get it now and who is left out, by reason. */
export function audienceCount(lang: UiLang, counted: AudienceCount | { problem: string }): Html {
  if ('problem' in counted) return html`<p class="error">${t(lang, 'camp.audienceBad', { errors: counted.problem })}</p>`;
  return html`<p class="big" id="audience-total">${t(lang, 'camp.reach', { n: counted.count })}</p>
    <ul class="facts-list" aria-label="${t(lang, 'camp.excluded')}">
      ${EXCLUSION_REASONS.map((r) => html`<li><span>${t(lang, `excl.${r}`)}</span> <strong>${counted.excluded[r]}</strong></li>`)}
    </ul>`;
}

/** The create/edit form: texts, the audience builder with its live count, schedule and sending. */
export function campaignForm(ctx: ConsoleCtx, action: string, v: FormBody): Html {
  const { lang } = ctx;
  const val = (k: string) => {
    const x = v[k];
    return Array.isArray(x) ? (x[0] ?? '') : (x ?? '');
  };
  const checked = (k: string, x: string) => {
    const list = v[k];
    return (Array.isArray(list) ? list.includes(x) : list === x) ? html`checked` : '';
  };
  const text = (k: string, label: string, attrs: Html | string = '') =>
    html`<label for="f-${k}">${label}</label><input id="f-${k}" name="${k}" value="${val(k)}" ${attrs} />`;
  const boxes = (k: string, legend: string, values: readonly string[], label: (x: string) => string) =>
    html`<fieldset class="checks">
      <legend>${legend}</legend>
      ${values.map((x) => html`<label><input type="checkbox" name="${k}" value="${x}" ${checked(k, x)} /> ${label(x)}</label>`)}
    </fieldset>`;
  const kind = val('scheduleKind') || 'once';
  return html`<form method="post" action="${action}" class="card stacked campaign-form">
    ${csrfField(ctx)} ${val('version') ? html`<input type="hidden" name="version" value="${val('version')}" />` : ''}
    <fieldset class="f-about">
      <legend>${t(lang, 'camp.about')}</legend>
      ${text('name', t(lang, 'camp.name'), html`required maxlength="120"`)}
      <label for="f-purpose">${t(lang, 'camp.purpose')}</label>
      <textarea id="f-purpose" name="purpose" rows="2" maxlength="500" required>${val('purpose')}</textarea>
    </fieldset>
    <fieldset class="f-texts">
      <legend>${t(lang, 'camp.texts')}</legend>
      <p class="hint" id="texts-help">${t(lang, 'camp.textsHelp')}</p>
      ${CAMPAIGN_LOCALES.map(
        (l) =>
          html`<label for="f-msg-${l}">${t(lang, 'camp.textIn', { language: localeName(l) })}</label>
            <textarea id="f-msg-${l}" name="msg.${l}" rows="3" maxlength="1000" aria-describedby="texts-help">${val(`msg.${l}`)}</textarea>`,
      )}
    </fieldset>
    <fieldset
      class="f-audience"
      hx-post="/console/campaigns/audience"
      hx-trigger="load, change, keyup changed delay:600ms"
      hx-target="#audience-count"
      hx-swap="innerHTML"
    >
      <legend>${t(lang, 'camp.audience')}</legend>
      <p class="hint">${t(lang, 'camp.audienceHelp')}</p>
      ${boxes('tiers', t(lang, 'camp.tiers'), TIERS, (x) => x)} ${boxes('languages', t(lang, 'camp.languages'), CAMPAIGN_LOCALES, localeName)}
      ${boxes('cardStatuses', t(lang, 'camp.cardStatuses'), CARD_STATUSES, (x) => x)} ${text('cardProducts', t(lang, 'camp.cardProducts'))}
      ${text('cities', t(lang, 'camp.cities'))} ${text('regions', t(lang, 'camp.regions'))}
      ${text('birthdayMonths', t(lang, 'camp.birthdayMonths'), html`inputmode="numeric"`)} ${text('sinceFrom', t(lang, 'camp.sinceFrom'), html`type="date"`)}
      ${text('sinceTo', t(lang, 'camp.sinceTo'), html`type="date"`)} ${text('pointsAbove', t(lang, 'camp.pointsAbove'), html`inputmode="numeric"`)}
      ${text('pointsBelow', t(lang, 'camp.pointsBelow'), html`inputmode="numeric"`)}
      <div id="audience-count" class="live" role="status" aria-live="polite"></div>
    </fieldset>
    <fieldset class="f-schedule">
      <legend>${t(lang, 'camp.schedule')}</legend>
      <label for="f-scheduleKind">${t(lang, 'camp.kind')}</label>
      <select id="f-scheduleKind" name="scheduleKind">
        ${(['once', 'cron', 'relative'] as const).map((k) => html`<option value="${k}" ${kind === k ? html`selected` : ''}>${t(lang, `camp.kind.${k}`)}</option>`)}
      </select>
      <div class="field for-once">${text('at', t(lang, 'camp.at'), html`type="datetime-local"`)}</div>
      <div class="field for-cron">${text('cron', t(lang, 'camp.cron'), html`placeholder="0 10 * * 1"`)}</div>
      <div class="field for-relative">
        <label for="f-anchor">${t(lang, 'camp.anchor')}</label>
        <select id="f-anchor" name="anchor">
          ${(['activation', 'card_anniversary'] as const).map((a) => html`<option value="${a}" ${val('anchor') === a ? html`selected` : ''}>${t(lang, `camp.anchor.${a}`)}</option>`)}
        </select>
        ${text('days', t(lang, 'camp.days'), html`inputmode="numeric"`)} ${text('time', t(lang, 'camp.time'), html`type="time"`)}
      </div>
      ${text('timeZone', t(lang, 'camp.timeZone'), html`required`)}
    </fieldset>
    <fieldset class="f-sending">
      <legend>${t(lang, 'camp.sending')}</legend>
      ${text('rate', t(lang, 'camp.rate'), html`inputmode="numeric"`)} ${text('validity', t(lang, 'camp.validity'), html`inputmode="numeric"`)}
      ${text('keyword', t(lang, 'camp.keyword'), html`maxlength="32"`)}
    </fieldset>
    <div class="f-submit"><button type="submit" class="primary">${t(lang, 'camp.save')}</button></div>
  </form>`;
}
