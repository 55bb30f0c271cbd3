import { pickCards } from '../../domain/accounts';
import { openCase, openCaseFor } from '../../domain/cases';
import { displayCard } from '../../domain/pan';
import { defineCommand, optionalLast4 } from './command';

/**
 * CLOSE [last4] / 销卡 / 銷卡: a cancellation request opens a retention case with the offer of the
 * customer's tier (RETENTION_OFFERS) and a call-back promise. The card is never closed by SMS.
 */
export const close = defineCommand({
  name: 'close',
  audience: 'customer',
  aliases: { en: ['CLOSE', 'CLOSECARD'], 'zh-CN': ['销卡', '注销'], 'zh-HK': ['銷卡', '取消信用卡'] },
  phrasings: {
    en: ['CANCEL CARD', 'CANCEL CREDIT CARD', 'CANCEL ACCOUNT', 'TERMINATE'],
    'zh-CN': ['销户', '退卡', '取消卡', '注销卡'],
    'zh-HK': ['剪卡', '取消張卡'],
  },
  args: optionalLast4,
  usage: 'common.usage_card',
  async run(ctx, { last4 }) {
    const cards = pickCards(ctx.cards, last4);
    if (!ctx.customer || cards.length === 0) return ctx.reply('common.not_found');
    if (cards.length > 1) return ctx.reply('close.which', { cards: cards.map((c) => displayCard(c.last4)).join(', ') });
    const card = cards[0];
    const existing = await openCaseFor(ctx.db, 'retention', card.id);
    if (existing) return ctx.reply('close.already', { card: displayCard(card.last4), ref: existing.ref });
    const plan = ctx.config.retentionOffers[ctx.customer.tier];
    const created = await openCase(
      ctx.db,
      {
        kind: 'retention',
        customerId: ctx.customer.id,
        cardId: card.id,
        summary: `Cancellation request by SMS for ${displayCard(card.last4)}`,
        offer: plan.offer,
        dueAt: new Date(ctx.now.getTime() + plan.callbackHours * 3600_000),
      },
      ctx.now,
    );
    await ctx.audit('case.opened', `case:${created.ref}`, { kind: 'retention', offer: plan.offer });
    ctx.reply('close.opened', {
      card: displayCard(card.last4),
      ref: created.ref,
      offer: ctx.render(`close.offer_${plan.offer}`),
      hours: plan.callbackHours,
    });
  },
});
