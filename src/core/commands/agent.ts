import { z } from 'zod';
import { listCases } from '../../domain/cases';
import { listRegistrations } from '../../domain/registrations';
import { confirmRegistration, declineRegistration, type Decision } from '../registrations/decisions';
import { anyWords, type CommandContext, defineCommand } from './command';

const ref = z.string().regex(/^\d{4,8}$/);

function answer(ctx: CommandContext, ref: string, done: Decision, doneTemplate: string): void {
  if (done.kind === 'unknown') return ctx.reply('agent.unknown_ref', { ref });
  if (done.kind === 'conflict') return ctx.reply('agent.conflict', { ref, status: done.registration.status });
  ctx.reply(doneTemplate, { ref, code: done.event.code });
}

/** OK <ref> (registered staff phones only): confirms a sign-up; the customer is texted the details. */
export const agentOk = defineCommand({
  name: 'agent.ok',
  audience: 'staff',
  aliases: { en: ['OK'], 'zh-CN': ['确认'], 'zh-HK': ['確認'] },
  args: z.tuple([ref]).transform(([r]) => ({ ref: r })),
  usage: 'agent.usage',
  async run(ctx, { ref: r }) {
    answer(
      ctx,
      r,
      await confirmRegistration(ctx.db, ctx.notifier, r, { staff: ctx.staff!, channel: `sms:${ctx.inbound.channel}` }, ctx.now),
      'agent.confirmed',
    );
  },
});

/** NO <ref> [reason] (staff only): declines a sign-up, with the reason passed on to the customer. */
export const agentNo = defineCommand({
  name: 'agent.no',
  audience: 'staff',
  aliases: { en: ['NO'], 'zh-CN': ['拒绝'], 'zh-HK': ['拒絕'] },
  args: z
    .tuple([ref])
    .rest(z.string())
    .transform(([r, ...words]) => ({ ref: r, reason: words.length ? words.join(' ').slice(0, 200) : null })),
  usage: 'agent.usage',
  async run(ctx, { ref: r, reason }) {
    // The parser upper-cases Latin text for matching; the reason goes out as the agent typed it.
    const typed = reason && ctx.inbound.text.normalize('NFKC').trim().split(/\s+/).slice(2).join(' ').slice(0, 200);
    const done = await declineRegistration(ctx.db, ctx.notifier, r, typed || null, { staff: ctx.staff!, channel: `sms:${ctx.inbound.channel}` }, ctx.now);
    answer(ctx, r, done, 'agent.declined');
  },
});

/** LIST (staff only): the oldest pending sign-ups and open cases. */
export const agentList = defineCommand({
  name: 'agent.list',
  audience: 'staff',
  aliases: { en: ['LIST'], 'zh-CN': ['列表'], 'zh-HK': ['列表'] },
  args: anyWords,
  usage: 'agent.usage',
  async run(ctx) {
    const regs = await listRegistrations(ctx.db, { status: 'pending', limit: 5 });
    const cases = await listCases(ctx.db, { status: 'open', limit: 5 });
    const none = ctx.render('agent.none');
    ctx.reply('agent.list', {
      registrations: regs.map((r) => `${r.ref} ${r.event} ${r.name} (${r.tier})`).join('; ') || none,
      cases: cases.map((c) => `${c.ref} ${c.kind} ${c.customer}`).join('; ') || none,
    });
    await ctx.audit('agent.list', null, { registrations: regs.length, cases: cases.length });
  },
});
