import { z } from 'zod';
import { answerCheck } from '../checks/answer';
import { type CommandContext, defineCommand } from './command';

const optionalRef = z.union([z.tuple([]), z.tuple([z.string().regex(/^\d{4}$/)])]).transform((t) => ({ ref: t[0] as string | undefined }));

async function answer(ctx: CommandContext, yes: boolean, ref: string | undefined): Promise<void> {
  if (!ctx.customer) return ctx.reply('common.not_found');
  const outcome = await answerCheck(ctx.db, ctx.customer, yes, ref, ctx.now);
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

/** Y [ref] / 是: "yes, that transaction was me". YES is a carrier opt-in word, so it is not an alias. */
export const yes = defineCommand({
  name: 'yes',
  audience: 'customer',
  aliases: { en: ['Y'], 'zh-CN': ['是'], 'zh-HK': ['是'] },
  args: optionalRef,
  usage: 'txcheck.usage',
  run: (ctx, { ref }) => answer(ctx, true, ref),
});

/** N [ref] / 否: "not me": the card is frozen at once and a fraud case opened for agents. */
export const no = defineCommand({
  name: 'no',
  audience: 'customer',
  aliases: { en: ['N'], 'zh-CN': ['否'], 'zh-HK': ['否'] },
  args: optionalRef,
  usage: 'txcheck.usage',
  run: (ctx, { ref }) => answer(ctx, false, ref),
});
