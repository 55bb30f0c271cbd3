import { pickCards } from '../../domain/accounts';
import { displayCard } from '../../domain/pan';
import { formatMoney } from '../messaging/templates';
import { figureValues } from './as-of';
import { defineCommand, optionalLast4 } from './command';

/** BAL [last4] / 余额 / 餘額 (pinyin YE, CXYE): balance and available credit of one card or of each card, as of when the card system last said. */
export const balance = defineCommand({
  name: 'balance',
  audience: 'customer',
  aliases: { en: ['BAL', 'BALANCE'], 'zh-CN': ['余额', 'YE', 'CXYE', 'YECX'], 'zh-HK': ['餘額'] },
  phrasings: {
    en: ['BALANCES', 'OWE', 'OWED'],
    'zh-CN': ['欠款', '欠多少', '结余', '还有多少钱', '剩多少钱'],
    'zh-HK': ['欠幾多', '仲欠幾多', '仲有幾多錢', '剩幾多錢'],
  },
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
