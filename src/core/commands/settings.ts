import { quote } from '../confirm/quote';
import { chooseCard, onOffCard } from './card-choice';
import { type Command, defineCommand, optionalLast4 } from './command';

/** LOCK [last4] / 临时冻结 / 暫時凍結: a temporary lock the customer can undo (LOST is permanent); quoted, done on Y. */
export const lock = defineCommand({
  name: 'lock',
  audience: 'customer',
  aliases: { en: ['LOCK'], 'zh-CN': ['临时冻结', '锁定'], 'zh-HK': ['暫時凍結', '鎖定'] },
  args: optionalLast4,
  usage: 'common.usage_card',
  async run(ctx, { last4 }) {
    const card = chooseCard(ctx, last4);
    if (!card) return;
    if (card.locked) return ctx.reply('lock.already', { card: `****${card.last4}` });
    await quote(ctx, 'lock', card, {}, 'lock.quote', {});
  },
});

/** UNLOCK [last4] / 解冻 / 解凍: lifts a temporary lock (never a LOST freeze); quoted, done on Y. */
export const unlock = defineCommand({
  name: 'unlock',
  audience: 'customer',
  aliases: { en: ['UNLOCK'], 'zh-CN': ['解冻', '解锁'], 'zh-HK': ['解凍', '解鎖'] },
  args: optionalLast4,
  usage: 'common.usage_card',
  async run(ctx, { last4 }) {
    const card = chooseCard(ctx, last4);
    if (!card) return;
    if (!card.locked) return ctx.reply('unlock.not_locked', { card: `****${card.last4}` });
    await quote(ctx, 'unlock', card, {}, 'unlock.quote', {});
  },
});

/** A switch of a card setting: `<KEYWORD> ON|OFF [last4]`, quoted, done on Y. */
function toggle(name: 'overseas' | 'online' | 'estmt', aliases: Command['aliases']) {
  return defineCommand({
    name,
    audience: 'customer',
    aliases,
    args: onOffCard,
    usage: 'common.usage_on_off',
    async run(ctx, { on, last4 }) {
      const card = chooseCard(ctx, last4);
      if (!card) return;
      await quote(ctx, name, card, { on }, `${name}.quote`, { on: on ? 'on' : 'off' });
    },
  });
}

/** OVERSEAS ON|OFF / 境外 开|关 / 海外 開|關: use of the card abroad. */
export const overseas = toggle('overseas', { en: ['OVERSEAS', 'ABROAD'], 'zh-CN': ['境外'], 'zh-HK': ['海外'] });
/** ONLINE ON|OFF / 网购 开|关 / 網購 開|關: online and card-not-present use. */
export const online = toggle('online', { en: ['ONLINE', 'ECOM'], 'zh-CN': ['网购', '网上支付'], 'zh-HK': ['網購', '網上付款'] });
/** ESTMT ON|OFF / 电子账单 开|关 / 電子月結單 開|關: statements by e-mail instead of paper. */
export const estmt = toggle('estmt', { en: ['ESTMT', 'PAPERLESS'], 'zh-CN': ['电子账单'], 'zh-HK': ['電子月結單'] });
