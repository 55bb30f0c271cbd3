import { z } from 'zod';
import { answerPending } from '../confirm/answer';
import { type CommandContext, defineCommand } from './command';

const optionalRef = z.union([z.tuple([]), z.tuple([z.string().regex(/^\d{4}$/)])]).transform((t) => ({ ref: t[0] as string | undefined }));

async function answer(ctx: CommandContext, yes: boolean, ref: string | undefined): Promise<void> {
  if (!ctx.customer) return ctx.reply('common.not_found');
  const result = await answerPending(ctx.db, ctx.customer, ctx.sender, yes, ref, ctx.now);
  switch (result.kind) {
    case 'expired':
      return ctx.reply('confirm.expired');
    case 'which': {
      const choices = result.choices.map((c) => ctx.render('confirm.choice', { ref: c.ref, kind: c.kind, label: c.label ? ` ${c.label}` : '' })).join('; ');
      return ctx.reply('confirm.which', { choices, answer: ctx.keyword });
    }
    case 'confirmed':
      await ctx.audit('confirmation.confirmed', `confirmation:${result.confirmation.ref}`, { kind: result.confirmation.kind });
      return ctx.reply('confirm.sent', { ref: result.confirmation.ref, kind: result.confirmation.kind });
    case 'cancelled':
      await ctx.audit('confirmation.cancelled', `confirmation:${result.confirmation.ref}`, { kind: result.confirmation.kind });
      return ctx.reply('confirm.cancelled', { ref: result.confirmation.ref, kind: result.confirmation.kind });
  }
  const outcome = result.outcome;
  switch (outcome.kind) {
    case 'none':
    case 'expired':
      return ctx.reply(`txcheck.${outcome.kind}`);
    case 'which':
      return ctx.reply('txcheck.which', { choices: outcome.choices, answer: ctx.keyword });
    case 'confirmed':
      await ctx.audit('txcheck.confirmed', `check:${outcome.ref}`);
      return ctx.reply('txcheck.confirmed', { ref: outcome.ref }, { class: 'security' });
    case 'denied':
      await ctx.audit('txcheck.denied', `check:${outcome.ref}`, { case: outcome.caseRef });
      return ctx.reply('txcheck.denied', { ref: outcome.ref, card: outcome.card }, { class: 'security' });
  }
}

/** Y [ref] / 是: "yes, that transaction was me", or "yes, do the action I was quoted". YES is a carrier opt-in word, so it is not an alias. */
export const yes = defineCommand({
  name: 'yes',
  audience: 'customer',
  aliases: { en: ['Y'], 'zh-CN': ['是'], 'zh-HK': ['是'] },
  phrasings: {
    en: ['YEAH', 'YEP', 'YUP', 'IT WAS ME', 'THAT WAS ME', 'WAS ME', 'ITS ME', 'IT IS ME', 'CORRECT'],
    'zh-CN': ['是的', '是我', '是本人', '是我本人', '对的', '没错', '是我买的', '是我刷的'],
    'zh-HK': ['係我', '係我本人', '係我買嘅'],
  },
  args: optionalRef,
  usage: 'txcheck.usage',
  run: (ctx, { ref }) => answer(ctx, true, ref),
});

/** N [ref] / 否: "not me" (the card is frozen at once and a fraud case opened), or "cancel the action I was quoted". */
export const no = defineCommand({
  name: 'no',
  audience: 'customer',
  aliases: { en: ['N'], 'zh-CN': ['否'], 'zh-HK': ['否'] },
  phrasings: {
    en: ['NO', 'NOPE', 'NAH', 'NOT ME', 'WASNT ME', 'WAS NOT ME', 'NOT MINE', 'NOT MY PURCHASE', 'DID NOT MAKE', 'DIDNT MAKE', 'DID NOT BUY', 'DIDNT BUY'],
    'zh-CN': ['不是我', '不是本人', '非本人', '不是我的', '不是我买的', '不是我刷的', '没有消费', '没消费'],
    'zh-HK': ['唔係我', '唔係本人', '唔係我買嘅', '冇買過'],
  },
  args: optionalRef,
  usage: 'txcheck.usage',
  run: (ctx, { ref }) => answer(ctx, false, ref),
});
