import { pickCards, setCardStatus } from '../../domain/accounts';
import { displayCard } from '../../domain/pan';
import { defineCommand, optionalLast4 } from './command';

/** LOST [last4] / 挂失 / 掛失: freezes the card at once and gives the hotline. */
export const lost = defineCommand({
  name: 'lost',
  audience: 'customer',
  aliases: { en: ['LOST', 'FREEZE'], 'zh-CN': ['挂失'], 'zh-HK': ['掛失'] },
  phrasings: {
    en: ['LOSE', 'STOLEN', 'STOLE', 'FRAUD', 'CANT FIND', 'BLOCK CARD'],
    'zh-CN': ['丢', '丢失', '丢了', '遗失', '不见', '不见了', '找不到', '被盗', '被偷', '盗刷', '冻结', '锁卡'],
    'zh-HK': ['唔見', '唔見咗', '遺失', '跌咗', '俾人偷', '凍結', '鎖卡', '搵唔到'],
  },
  args: optionalLast4,
  usage: 'common.usage_card',
  async run(ctx, { last4 }) {
    const cards = pickCards(ctx.cards, last4);
    const live = cards.filter((c) => c.status === 'active' || c.status === 'inactive');
    if (live.length === 0) {
      const frozen = cards.find((c) => c.status === 'frozen');
      if (frozen && last4) return ctx.reply('lost.already', { card: displayCard(frozen.last4) }, { class: 'security' });
      return ctx.reply('common.not_found');
    }
    if (live.length > 1) {
      return ctx.reply('lost.which', { cards: live.map((c) => displayCard(c.last4)).join(', ') }, { class: 'security' });
    }
    const card = live[0];
    await setCardStatus(ctx.db, card.id, 'frozen');
    await ctx.audit('card.frozen', `card:${card.id}`, { reason: 'reported lost by SMS' });
    ctx.reply('lost.done', { card: displayCard(card.last4) }, { class: 'security' });
  },
});
