import { pickCards } from '../../domain/accounts';
import { displayCard } from '../../domain/pan';
import { formatMoney } from '../messaging/templates';
import { figureValues } from './as-of';
import { defineCommand, optionalLast4 } from './command';

/** BAL [last4] / 余额 / 餘額: balance and available credit of one card or of each card, as of when the card system last said. */
export const balance = defineCommand({
  name: 'balance',
  audience: 'customer',
  aliases: { en: ['BAL', 'BALANCE'], 'zh-CN': ['余额'], 'zh-HK': ['餘額'] },
  args: optionalLast4,
  usage: 'common.usage_card',
  readOnly: true,
  async run(ctx, { last4 }) {
    const cards = pickCards(ctx.cards, last4);
    if (cards.length === 0) return ctx.reply('common.not_found');
    const figures = cards.map((c) => ({
      line: ctx.render('bal.line', {
        card: displayCard(c.last4),
        balance: formatMoney(c.balance, c.currency, ctx.locale),
        available: formatMoney(c.available_credit ?? Math.max(0, c.credit_limit - c.balance), c.currency, ctx.locale),
      }),
      asOf: c.as_of,
    }));
    ctx.reply('bal.report', figureValues(ctx, figures));
  },
});
