import type { Response, Router } from 'express';
import { commands } from '../../core/commands/index';
import { infoKeywordSchema } from '../../core/info/keywords';
import { deleteStaffKeyword, saveStaffKeyword } from '../../core/info/save';
import { normalizeCommandText } from '../../core/inbound/normalize';
import { type InfoKeyword, infoReply, listInfoKeywords } from '../../domain/info-keywords';
import { EDITORS } from '../info-keywords';
import type { FormBody } from './campaign-form';
import { errorsOf, localeName } from './campaign-editor';
import { html, type Html } from './html';
import { t, type UiLang } from './i18n';
import type { ConsoleDeps } from './index';
import { formFromKeyword, KEYWORD_LOCALES, keywordFromForm, REPLY_VARIANTS } from './keyword-form';
import { csrfField, sendPage } from './layout';
import { forbidden, when } from './pages';
import { allow, ctxOf, type ConsoleCtx } from './session';

const TIERS = ['standard', 'gold', 'platinum'] as const;

/** What each tier gets in each language, as the inbound handler picks it (`infoReply`). */
function replyPreview(lang: UiLang, replies: InfoKeyword['replies']): Html {
  const k = { replies } as InfoKeyword;
  return html`<table class="stack preview-table">
    <thead>
      <tr>
        <th scope="col">${t(lang, 'kw.language')}</th>
        ${TIERS.map((tier) => html`<th scope="col">${tier}</th>`)}
      </tr>
    </thead>
    <tbody>
      ${KEYWORD_LOCALES.map(
        (l) =>
          html`<tr data-language="${l}">
            <th scope="row">${localeName(l)}</th>
            ${TIERS.map((tier) => html`<td data-label="${tier}">${infoReply(k, l, tier)}</td>`)}
          </tr>`,
      )}
    </tbody>
  </table>`;
}

function keywordForm(ctx: ConsoleCtx, v: FormBody, editing: boolean): Html {
  const { lang } = ctx;
  const val = (k: string) => String(v[k] ?? '');
  return html`<form method="post" action="/console/keywords" class="card stacked keyword-form" aria-labelledby="kw-form-h">
    <h2 id="kw-form-h">${editing ? t(lang, 'kw.edit', { keyword: val('keyword') }) : t(lang, 'kw.new')}</h2>
    ${csrfField(ctx)}
    <label for="k-keyword">${t(lang, 'kw.keyword')}</label>
    <input id="k-keyword" name="keyword" value="${val('keyword')}" required maxlength="20" ${editing ? html`readonly` : ''} />
    <label for="k-aliases">${t(lang, 'kw.aliases')}</label><input id="k-aliases" name="aliases" value="${val('aliases')}" />
    <div class="langs" hx-post="/console/keywords/preview" hx-trigger="load, change, keyup changed delay:600ms" hx-target="#kw-preview" hx-swap="innerHTML">
      ${KEYWORD_LOCALES.map((l) => {
        const reply = (variant: (typeof REPLY_VARIANTS)[number]) =>
          html`<label for="k-${l}-${variant}">${t(lang, variant === 'default' ? 'kw.reply' : 'kw.replyTier', { tier: variant, language: localeName(l) })}</label
            ><textarea id="k-${l}-${variant}" name="reply.${l}.${variant}" rows="2" maxlength="300" ${variant === 'default' ? html`required` : ''}>
${val(`reply.${l}.${variant}`)}</textarea>`;
        const tiers = REPLY_VARIANTS.filter((v) => v !== 'default');
        return html`<fieldset>
          <legend>${localeName(l)}</legend>
          ${reply('default')}
          <details ${tiers.some((v) => val(`reply.${l}.${v}`)) ? html`open` : ''}>
            <summary>${t(lang, 'kw.perTier')}</summary>
            ${tiers.map(reply)}
          </details>
        </fieldset>`;
      })}
    </div>
    <label for="k-from">${t(lang, 'kw.validFrom')}</label><input id="k-from" name="validFrom" type="datetime-local" value="${val('validFrom')}" />
    <label for="k-to">${t(lang, 'kw.validTo')}</label><input id="k-to" name="validTo" type="datetime-local" value="${val('validTo')}" />
    <section aria-labelledby="kw-prev-h">
      <h3 id="kw-prev-h">${t(lang, 'kw.preview')}</h3>
      <div id="kw-preview" role="status" aria-live="polite"></div>
    </section>
    <button type="submit" class="primary">${t(lang, 'kw.save')}</button>
  </form>`;
}

/** Staff keywords (marketing, supervisor, admin, as the API): list, create, edit, delete, with a preview of each reply. */
export function keywordPages(r: Router, deps: ConsoleDeps): void {
  const editors = allow(EDITORS, forbidden);

  const page = async (res: Response, form: FormBody, editing: boolean, notice?: Html, status = 200) => {
    const ctx = ctxOf(res);
    const { lang } = ctx;
    const list = await listInfoKeywords(deps.db);
    const rows = list.map(
      (k) =>
        html`<tr data-keyword="${k.keyword}">
          <td data-label="${t(lang, 'kw.keyword')}"><strong>${k.keyword}</strong></td>
          <td data-label="${t(lang, 'kw.aliasesCol')}">${k.aliases.join(', ') || '–'}</td>
          <td data-label="${t(lang, 'kw.replies')}">
            <ul class="plain">
              ${KEYWORD_LOCALES.map((l) => html`<li><span class="hint">${l}</span> ${k.replies[l]?.default ?? '–'}</li>`)}
            </ul>
          </td>
          <td data-label="${t(lang, 'kw.valid')}">
            ${k.valid_from || k.valid_to ? `${k.valid_from ? when(k.valid_from) : '…'} – ${k.valid_to ? when(k.valid_to) : '…'}` : t(lang, 'kw.always')}
          </td>
          <td class="actions">
            <a class="button" href="/console/keywords?edit=${encodeURIComponent(k.keyword)}">${t(lang, 'kw.editOne', { keyword: k.keyword })}</a>
            <form method="post" action="/console/keywords/${encodeURIComponent(k.keyword)}/delete">
              ${csrfField(ctx)}<button type="submit" class="danger">${t(lang, 'kw.delete', { keyword: k.keyword })}</button>
            </form>
          </td>
        </tr>`,
    );
    const table = list.length
      ? html`<table class="stack" id="keywords">
          <thead>
            <tr>
              <th scope="col">${t(lang, 'kw.keyword')}</th>
              <th scope="col">${t(lang, 'kw.aliasesCol')}</th>
              <th scope="col">${t(lang, 'kw.replies')}</th>
              <th scope="col">${t(lang, 'kw.valid')}</th>
              <th scope="col"></th>
            </tr>
          </thead>
          <tbody>
            ${rows}
          </tbody>
        </table>`
      : html`<p class="empty">${t(lang, 'kw.none')}</p>`;
    sendPage(res, ctx, t(lang, 'kw.title'), html`${notice ?? ''}${table}${keywordForm(ctx, form, editing)}`, status);
  };

  r.get('/console/keywords', editors, async (req, res) => {
    const edit = typeof req.query.edit === 'string' ? normalizeCommandText(req.query.edit).slice(0, 20) : '';
    const k = edit ? (await listInfoKeywords(deps.db)).find((x) => x.keyword === edit) : undefined;
    await page(res, k ? formFromKeyword(k) : {}, Boolean(k));
  });

  r.post('/console/keywords/preview', editors, (req, res) => {
    const { lang } = ctxOf(res);
    const body = infoKeywordSchema.safeParse(keywordFromForm((req.body ?? {}) as FormBody));
    const out = body.success ? replyPreview(lang, body.data.replies) : html`<p class="hint">${errorsOf(body.error)}</p>`;
    res.type('html').send(out.value);
  });

  r.post('/console/keywords', editors, async (req, res) => {
    const { lang, staff } = ctxOf(res);
    const form = (req.body ?? {}) as FormBody;
    const editing = form.keyword !== undefined && (await listInfoKeywords(deps.db)).some((k) => k.keyword === normalizeCommandText(String(form.keyword)));
    const refuse = (why: string, status: number) =>
      page(res, form, editing, html`<p class="flash error" role="alert">${t(lang, 'kw.refused', { why })}</p>`, status);
    const body = infoKeywordSchema.safeParse(keywordFromForm(form));
    if (!body.success) return refuse(errorsOf(body.error), 400);
    const saved = await saveStaffKeyword(deps.db, commands, body.data, staff, deps.clock(), 'console');
    if ('refused' in saved) return refuse(saved.refused.reason, 409);
    await page(res, {}, false, html`<p class="flash ok" role="status">${t(lang, 'kw.saved', { keyword: saved.row.keyword })}</p>`);
  });

  r.post('/console/keywords/:keyword/delete', editors, async (req, res) => {
    const { lang, staff } = ctxOf(res);
    const keyword = normalizeCommandText(String(req.params.keyword)).slice(0, 20);
    const gone = await deleteStaffKeyword(deps.db, keyword, staff, 'console');
    const notice = gone
      ? html`<p class="flash ok" role="status">${t(lang, 'kw.deleted', { keyword })}</p>`
      : html`<p class="flash error" role="alert">${t(lang, 'notfound')}</p>`;
    await page(res, {}, false, notice, gone ? 200 : 404);
  });
}
