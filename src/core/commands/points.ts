import { figureValues } from './as-of';
import { defineCommand, noArgs } from './command';

/** PTS / 积分 / 積分: reward points balance, as of when the card system last said. */
export const points = defineCommand({
  name: 'points',
  audience: 'customer',
  aliases: { en: ['PTS', 'POINTS'], 'zh-CN': ['积分'], 'zh-HK': ['積分'] },
  args: noArgs,
  usage: 'help.menu',
  readOnly: true,
  async run(ctx) {
    if (!ctx.customer) return ctx.reply('common.not_found');
    const { asOf, note } = figureValues(ctx, [{ line: '', asOf: ctx.customer.points_as_of }]);
    ctx.reply('pts.balance', { points: ctx.customer.points, asOf, note });
  },
});
