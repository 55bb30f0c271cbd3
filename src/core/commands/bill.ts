import { latestStatement, pickCards } from '../../domain/accounts';
import { displayCard } from '../../domain/pan';
import { formatDay, formatMoney } from '../messaging/templates';
import { type Figure, figureValues } from './as-of';
import { defineCommand, optionalLast4 } from './command';

/** BILL [last4] / 账单 / 賬單 (pinyin ZD): the latest statement of one card or of each card; reads, never writes. */
export const bill = defineCommand({
  name: 'bill',
  audience: 'customer',
  aliases: { en: ['BILL', 'STMT'], 'zh-CN': ['账单', '帐单', 'ZD', 'CXZD', 'ZDCX'], 'zh-HK': ['賬單', '帳單'] },
  phrasings: {
    en: ['BILLS', 'STATEMENT', 'STATEMENTS', 'ESTATEMENT', 'E STATEMENT', 'INVOICE'],
    'zh-CN': ['对账单', '结单'],
    'zh-HK': ['月結單', '電子結單'],
  },
  args: optionalLast4,
  usage: 'common.usage_card',
  readOnly: true,
  async run(ctx, { last4 }) {
    const cards = pickCards(ctx.cards, last4);
    if (cards.length === 0) return ctx.reply('common.not_found');
    const figures: Figure[] = [];
    for (const card of cards) {
      const st = await latestStatement(ctx.db, card.id);
      figures.push({
        asOf: st?.as_of ?? null,
        line: st
          ? ctx.render('bill.line', {
              card: displayCard(card.last4),
              closing: formatDay(st.closing_date, ctx.locale),
              due: formatDay(st.due_date, ctx.locale),
              balance: formatMoney(st.balance, st.currency, ctx.locale),
              minimum: formatMoney(Math.max(0, st.minimum_due - st.paid_amount), st.currency, ctx.locale),
            })
          : ctx.render('bill.none', { card: displayCard(card.last4) }),
      });
    }
    ctx.reply('bill.report', figureValues(ctx, figures));
  },
});
