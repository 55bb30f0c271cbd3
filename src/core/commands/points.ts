import { defineCommand, noArgs } from './command';

/** PTS / 积分 / 積分: reward points balance. */
export const points = defineCommand({
  name: 'points',
  audience: 'customer',
  aliases: { en: ['PTS', 'POINTS'], 'zh-CN': ['积分'], 'zh-HK': ['積分'] },
  args: noArgs,
  usage: 'help.menu',
  readOnly: true,
  async run(ctx) {
    if (!ctx.customer) return ctx.reply('common.not_found');
    ctx.reply('pts.balance', { points: ctx.customer.points });
  },
});
