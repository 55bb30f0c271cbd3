import { z } from 'zod';
import { setCardStatus } from '../../domain/accounts';
import { activationLocked, matchActivationCode, recordActivationAttempt } from '../../domain/activation';
import { cardKeyring, displayCard } from '../../domain/pan';
import { defineCommand } from './command';

/**
 * ACT <last 6 digits> / 开卡 / 開卡: activates a new card. A wrong code, an unknown card and an
 * unknown number all get the same answer; 5 failures in 24 h (per customer or per number) lock it.
 */
export const activate = defineCommand({
  name: 'activate',
  audience: 'customer',
  aliases: { en: ['ACT', 'ACTIVATE'], 'zh-CN': ['开卡', '激活'], 'zh-HK': ['開卡', '啟用'] },
  phrasings: { en: ['ACTIVATION', 'NEW CARD'], 'zh-CN': ['开通', '启用', '启动'], 'zh-HK': ['開通', '啟動'] },
  args: z.tuple([z.string().regex(/^\d{6}$/)]).transform(([code]) => ({ code })),
  usage: 'act.usage',
  async run(ctx, { code }) {
    const by = { fromNumber: ctx.sender, customerId: ctx.customer?.id ?? null };
    const max = ctx.config.activationMaxFailures;
    if (await activationLocked(ctx.db, by, ctx.now, max)) return ctx.reply('act.locked');
    const cards = ctx.cards;
    const keys = cardKeyring(ctx.config.cardHashSecret ?? '', ctx.config.cardHashPreviousSecrets);
    const card = matchActivationCode(keys, cards, code);
    if (card?.status === 'active') return ctx.reply('act.already', { card: displayCard(card.last4) });
    // The right code for a frozen card (LOST, a denied check, the card system): said so, not counted as a failure.
    if (card?.status === 'frozen') return ctx.reply('act.frozen', { card: displayCard(card.last4) });
    if (card?.status === 'inactive') {
      await setCardStatus(ctx.db, card.id, 'active');
      await recordActivationAttempt(ctx.db, { ...by, success: true, at: ctx.now });
      await ctx.audit('card.activated', `card:${card.id}`);
      return ctx.reply('act.done', { card: displayCard(card.last4) });
    }
    await recordActivationAttempt(ctx.db, { ...by, success: false, at: ctx.now });
    await ctx.audit('card.activation_failed', ctx.customer ? `customer:${ctx.customer.id}` : null);
    if (await activationLocked(ctx.db, by, ctx.now, max)) return ctx.reply('act.locked');
    ctx.reply('common.not_found');
  },
});
