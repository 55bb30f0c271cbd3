import { z } from 'zod';
import type { Card } from '../../db/schema';
import { pickCards } from '../../domain/accounts';
import { displayCard } from '../../domain/pan';
import type { CommandContext } from './command';

/**
 * The one open card an action is about: the card named by its last 4, or the customer's only
 * active card. With none the reply is `common.not_found`; with several, `common.which_card`.
 */
export function chooseCard(ctx: CommandContext, last4: string | undefined): Card | null {
  if (!ctx.customer) {
    ctx.reply('common.not_found');
    return null;
  }
  const cards = pickCards(ctx.cards, last4).filter((c) => c.status === 'active');
  if (cards.length === 1) return cards[0];
  if (cards.length === 0) ctx.reply('common.not_found');
  else ctx.reply('common.which_card', { cards: cards.map((c) => displayCard(c.last4)).join(', '), command: ctx.keyword });
  return null;
}

const ON = new Set(['ON', '开', '开通', '开启', '開', '開通', '開啟']);
const OFF = new Set(['OFF', '关', '关闭', '關', '關閉']);

/** ON|OFF (开/关, 開/關) and an optional card's last 4. */
export const onOffCard = z
  .union([z.tuple([z.string()]), z.tuple([z.string(), z.string().regex(/^\d{4}$/)])])
  .refine((t) => ON.has(t[0]) || OFF.has(t[0]), 'ON or OFF')
  .transform((t) => ({ on: ON.has(t[0]), last4: t[1] as string | undefined }));
