import { z } from 'zod';
import { liveRegistrations } from '../../domain/registrations';
import { withdrawRegistration } from '../registrations/decisions';
import { defineCommand } from './command';

/**
 * WITHDRAW [ref | code] / 取消报名 / 取消報名: withdraws a sign-up. Not CANCEL, QUIT or END: carriers
 * treat those as opt-out words.
 */
export const withdraw = defineCommand({
  name: 'withdraw',
  audience: 'customer',
  aliases: { en: ['WITHDRAW', 'UNJOIN'], 'zh-CN': ['取消报名'], 'zh-HK': ['取消報名'] },
  phrasings: {
    en: ['CANCEL REGISTRATION', 'CANCEL SIGN UP', 'CANCEL SIGNUP', 'CANCEL BOOKING', 'CANCEL RSVP', 'NOT COMING', 'CANT COME', 'CANT MAKE IT'],
    'zh-CN': ['退出活动', '不参加', '不去了', '取消预约'],
    'zh-HK': ['唔參加', '唔去', '取消預約'],
  },
  args: z.union([z.tuple([]), z.tuple([z.string().regex(/^[A-Z0-9]{2,16}$/)])]).transform((t) => ({ target: t[0] as string | undefined })),
  usage: 'reg.withdraw_none',
  async run(ctx, { target }) {
    if (!ctx.customer) return ctx.reply('common.not_found');
    const live = await liveRegistrations(ctx.db, ctx.customer.id);
    const chosen = target ? live.filter((r) => r.ref === target || r.code === target) : live;
    if (chosen.length === 0) return ctx.reply('reg.withdraw_none');
    if (chosen.length > 1) return ctx.reply('reg.withdraw_which', { refs: chosen.map((r) => `${r.ref} (${r.code})`).join(', ') });
    const done = await withdrawRegistration(ctx.db, ctx.notifier, chosen[0].ref, ctx.now);
    if (done.kind !== 'done') return ctx.reply('reg.withdraw_none');
    await ctx.audit('registration.withdraw', `registration:${chosen[0].ref}`);
    ctx.reply('reg.withdrawn', { ...ctx.notifier.eventValues(done.event, ctx.customer), ref: chosen[0].ref });
  },
});
