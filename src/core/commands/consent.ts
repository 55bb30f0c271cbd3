import { optInToMarketing, optOutOfMarketing, takeStopConfirmation } from '../../domain/accounts';
import { defineCommand, noArgs } from './command';

/**
 * STOP / TD / T / 退订: no more marketing (service and security texts continue). CANCEL, END, QUIT,
 * UNSUBSCRIBE and STOPALL are carrier opt-out words and mean the same, never a business command.
 * Every STOP is honoured and audited; the confirmation is sent at most once in 24 hours per number.
 */
export const stop = defineCommand({
  name: 'stop',
  audience: 'customer',
  aliases: {
    en: ['STOP', 'TD', 'T', 'STOPALL', 'UNSUBSCRIBE', 'CANCEL', 'END', 'QUIT', 'OPTOUT'],
    'zh-CN': ['退订'],
    'zh-HK': ['退訂'],
  },
  args: noArgs,
  usage: 'consent.stopped',
  async run(ctx) {
    await optOutOfMarketing(ctx.db, ctx.sender, `sms:${ctx.keyword}`);
    const confirm = await takeStopConfirmation(ctx.db, ctx.sender, ctx.now);
    await ctx.audit('consent.opt_out', ctx.sender, { keyword: ctx.keyword, confirmed: confirm });
    if (confirm) ctx.reply('consent.stopped');
  },
});

/** START / 订阅 / 訂閱: marketing again; YES and UNSTOP are carrier opt-in words. */
export const start = defineCommand({
  name: 'start',
  audience: 'customer',
  aliases: { en: ['START', 'UNSTOP', 'YES', 'SUBSCRIBE'], 'zh-CN': ['订阅'], 'zh-HK': ['訂閱'] },
  args: noArgs,
  usage: 'consent.started',
  async run(ctx) {
    await optInToMarketing(ctx.db, ctx.sender);
    await ctx.audit('consent.opt_in', ctx.sender, { keyword: ctx.keyword });
    ctx.reply('consent.started');
  },
});
