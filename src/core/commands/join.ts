import { z } from 'zod';
import { register } from '../../domain/registrations';
import { defineCommand } from './command';

/** JOIN <code> / 报名 / 報名: signs up for an event; agents confirm later. */
export const join = defineCommand({
  name: 'join',
  audience: 'customer',
  aliases: { en: ['JOIN'], 'zh-CN': ['报名'], 'zh-HK': ['報名'] },
  phrasings: { en: ['SIGN UP', 'SIGNUP', 'REGISTER', 'ENROL', 'ENROLL', 'RSVP'], 'zh-CN': ['参加', '预约', '参与'], 'zh-HK': ['參加', '預約'] },
  args: z.tuple([z.string().regex(/^[A-Z0-9]{2,16}$/)]).transform(([code]) => ({ code })),
  usage: 'join.usage',
  async run(ctx, { code }) {
    if (!ctx.customer) return ctx.reply('common.not_found');
    const outcome = await register(ctx.db, ctx.customer, code, ctx.now);
    if (outcome.kind === 'unknown_event') return ctx.reply('join.unknown_event');
    const values = ctx.notifier.eventValues(outcome.event, ctx.customer);
    if (outcome.kind === 'closed' || outcome.kind === 'ineligible') return ctx.reply(`join.${outcome.kind}`, values);
    const ref = outcome.registration.ref;
    if (outcome.kind === 'already') return ctx.reply('join.already', { ...values, ref });
    await ctx.audit(`registration.${outcome.kind}`, `registration:${ref}`, { event: outcome.event.code });
    if (outcome.kind === 'waitlisted') return ctx.reply('join.waitlisted', { ...values, ref, position: outcome.position });
    ctx.reply('join.received', { ...values, ref });
  },
});
