import { z } from 'zod';
import { openCase, openCaseOfCustomer } from '../../domain/cases';
import { maskCardNumbers } from '../../domain/pan';
import { applicationOf } from '../../domain/services/queries';
import { CALLBACK_HOURS, COMPLAINT_HOURS } from '../../domain/services/rules';
import { formatDay } from '../messaging/templates';
import { anyWords, type CommandContext, defineCommand } from './command';
import { scoreSurvey } from '../confirm/survey';

/** Opens a call-back case (or names the one open) with the tier's SLA. */
async function callBack(ctx: CommandContext, summary: string, template: string): Promise<void> {
  if (!ctx.customer) return ctx.reply('common.not_found');
  const open = await openCaseOfCustomer(ctx.db, 'callback', ctx.customer.id);
  if (open) return ctx.reply('callback.already', { ref: open.ref });
  const hours = CALLBACK_HOURS[ctx.customer.tier];
  const c = await openCase(ctx.db, { kind: 'callback', customerId: ctx.customer.id, summary, dueAt: new Date(ctx.now.getTime() + hours * 3600_000) }, ctx.now);
  await ctx.audit('case.opened', `case:${c.ref}`, { kind: 'callback' });
  ctx.reply(template, { ref: c.ref, hours });
}

/** CALLME / 回电 / 回電: an agent calls back within the tier's SLA (platinum 2 h). */
export const callback = defineCommand({
  name: 'callback',
  audience: 'customer',
  aliases: { en: ['CALLME', 'CALLBACK'], 'zh-CN': ['回电', '来电'], 'zh-HK': ['回電', '致電我'] },
  phrasings: { en: ['CALL ME', 'CALL ME BACK', 'SPEAK TO SOMEONE', 'TALK TO AN AGENT'], 'zh-CN': ['给我打电话', '人工服务'], 'zh-HK': ['打俾我', '搵職員'] },
  args: anyWords,
  usage: 'help.menu',
  run: (ctx) => callBack(ctx, 'Call-back requested by SMS', 'callback.opened'),
});

/** ADDRESS / 地址: a change of address is never done by SMS; it opens a call-back. */
export const address = defineCommand({
  name: 'address',
  audience: 'customer',
  aliases: { en: ['ADDRESS', 'ADDR'], 'zh-CN': ['地址', '改地址'], 'zh-HK': ['地址', '改地址'] },
  phrasings: { en: ['CHANGE ADDRESS', 'NEW ADDRESS', 'MOVED HOUSE'], 'zh-CN': ['修改地址', '搬家'], 'zh-HK': ['更改地址', '搬屋'] },
  args: anyWords,
  usage: 'help.menu',
  run: (ctx) => callBack(ctx, 'Change of address: verify identity by phone', 'address.callback'),
});

/** COMPLAIN <text> / 投诉 / 投訴: a complaint case with a reference and the tier's SLA. */
export const complaint = defineCommand({
  name: 'complaint',
  audience: 'customer',
  aliases: { en: ['COMPLAIN', 'COMPLAINT'], 'zh-CN': ['投诉'], 'zh-HK': ['投訴'] },
  phrasings: { en: ['NOT HAPPY', 'UNHAPPY'], 'zh-CN': ['不满意'], 'zh-HK': ['唔滿意'] },
  args: anyWords,
  usage: 'help.menu',
  async run(ctx) {
    if (!ctx.customer) return ctx.reply('common.not_found');
    const hours = COMPLAINT_HOURS[ctx.customer.tier];
    const text = maskCardNumbers(ctx.inbound.text).slice(0, 500);
    const c = await openCase(
      ctx.db,
      { kind: 'complaint', customerId: ctx.customer.id, summary: `Complaint by SMS: ${text}`, dueAt: new Date(ctx.now.getTime() + hours * 3600_000) },
      ctx.now,
    );
    await ctx.audit('case.opened', `case:${c.ref}`, { kind: 'complaint' });
    ctx.reply('complaint.opened', { ref: c.ref, hours });
  },
});

/** APPLY <last 4 of ID> / 申请 / 申請: the status of a card application from the applicant's number. */
export const apply = defineCommand({
  name: 'apply',
  audience: 'customer',
  aliases: { en: ['APPLY', 'APP'], 'zh-CN': ['申请', '进度'], 'zh-HK': ['申請', '進度'] },
  phrasings: { en: ['APPLICATION', 'APPLICATION STATUS'], 'zh-CN': ['申请进度', '审批进度'], 'zh-HK': ['申請進度', '審批進度'] },
  args: z.tuple([z.string().regex(/^[0-9X]{4}$/)]).transform((t) => ({ idLast4: t[0] })),
  usage: 'apply.usage',
  readOnly: true,
  async run(ctx, { idLast4 }) {
    const a = await applicationOf(ctx.db, ctx.sender, idLast4);
    // No application, or the wrong ID digits: the same answer as anything unknown (no enumeration).
    if (!a) return ctx.reply('common.not_found');
    const zone = ctx.customer?.time_zone ?? ctx.config.defaultTimeZone;
    ctx.reply('apply.status', {
      product: a.product,
      status: a.status,
      tracking: a.tracking ?? 'none',
      updated: formatDay(a.updated_at.toLocaleDateString('en-CA', { timeZone: zone }), ctx.locale),
    });
  },
});

/** 1–5 (RATE 1–5 / 评分 / 評分): the answer to the satisfaction survey of the latest resolved case, kept as the agent's quality score. */
export const survey = defineCommand({
  name: 'survey',
  audience: 'customer',
  aliases: { en: ['RATE', '1', '2', '3', '4', '5'], 'zh-CN': ['评分', '1', '2', '3', '4', '5'], 'zh-HK': ['評分', '1', '2', '3', '4', '5'] },
  args: z.union([z.tuple([]), z.tuple([z.enum(['1', '2', '3', '4', '5'])])]).transform((t) => ({ score: t[0] as string | undefined })),
  usage: 'survey.usage',
  async run(ctx, { score }) {
    if (!ctx.customer) return ctx.reply('common.not_found');
    const value = Number(score ?? ctx.keyword);
    if (!(value >= 1 && value <= 5)) return ctx.reply('survey.usage', { command: ctx.keyword });
    const rated = await scoreSurvey(ctx.db, ctx.customer.id, value, ctx.now);
    if (!rated) return ctx.reply('survey.none');
    await ctx.audit('survey.answered', `case:${rated.ref}`, { score: value, agent: rated.assigned_to });
    ctx.reply('survey.thanks', { score: value, ref: rated.ref });
  },
});
