import { figureValues } from './as-of';
import { defineCommand, noArgs } from './command';

/** PTS / 积分 / 積分 (pinyin JF): reward points balance, as of when the card system last said. */
export const points = defineCommand({
  name: 'points',
  audience: 'customer',
  aliases: { en: ['PTS', 'POINTS'], 'zh-CN': ['积分', 'JF', 'CXJF', 'JFCX'], 'zh-HK': ['積分'] },
  phrasings: {
    en: ['POINT', 'REWARD', 'REWARDS', 'REWARD POINTS', 'BONUS POINTS', 'POINTS BALANCE', 'POINT BALANCE', 'BALANCE OF POINTS'],
    'zh-CN': ['积分余额', '可用积分', '奖励积分', '多少分'],
    'zh-HK': ['積分結餘', '分數', '幾多分'],
  },
  args: noArgs,
  usage: 'help.menu',
  readOnly: true,
  async run(ctx) {
    if (!ctx.customer) return ctx.reply('common.not_found');
    const { asOf, note } = figureValues(ctx, [{ line: '', asOf: ctx.customer.points_as_of }]);
    ctx.reply('pts.balance', { points: ctx.customer.points, asOf, note });
  },
});
