import { optInToMarketing, optOutOfMarketing, takeStopConfirmation } from '../../domain/accounts';
import { anyWords, defineCommand } from './command';

/**
 * STOP / TD / T / 退订: no more marketing (service and security texts continue). CANCEL, END, QUIT,
 * UNSUBSCRIBE and STOPALL are carrier opt-out words and mean the same, never a business command.
 * Every STOP is honoured and audited; the confirmation is sent at most once in 24 hours per number.
 */
export const stop = defineCommand({
  name: 'stop',
  audience: 'customer',
  aliases: {
    en: ['STOP', 'TD', 'T', 'STOPALL', 'UNSUBSCRIBE', 'CANCEL', 'END', 'QUIT', 'OPTOUT', 'OPT OUT', 'REVOKE'],
    'zh-CN': ['退订', 'TD退订'],
    'zh-HK': ['退訂', 'TD退訂'],
  },
  // Everyday words too ("cancel my card", "end of month"): they opt out only as the whole text, as
  // Twilio's own opt-out filter reads them. STOP, TD, 退订 … opt out at the head of any text.
  standalone: ['CANCEL', 'END', 'QUIT', 'T'],
  evenAsked: true,
  phrasings: {
    en: ['UNSUB', 'NO MORE MESSAGES', 'NO MORE TEXTS', 'NO MARKETING', 'DONT SEND'],
    'zh-CN': ['取消订阅', '不要再发', '别再发', '不要发', '别发了', '拒收'],
    'zh-HK': ['取消訂閱', '唔好再發', '唔好再傳'],
  },
  args: anyWords,
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
  // Carrier opt-in words, and "yes" answers many other questions: only the whole text opts in.
  standalone: ['START', 'UNSTOP', 'YES', 'SUBSCRIBE', '订阅', '訂閱'],
  phrasings: { en: ['OPT IN', 'RESUBSCRIBE'], 'zh-CN': ['重新订阅', '恢复订阅'], 'zh-HK': ['重新訂閱'] },
  args: anyWords,
  usage: 'consent.started',
  async run(ctx) {
    await optInToMarketing(ctx.db, ctx.sender);
    await ctx.audit('consent.opt_in', ctx.sender, { keyword: ctx.keyword });
    ctx.reply('consent.started');
  },
});
