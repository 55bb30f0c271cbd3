import { z } from 'zod';
import { latestStatement } from '../../domain/accounts';
import { openCase } from '../../domain/cases';
import { displayCard } from '../../domain/pan';
import { rewardCatalogue } from '../../domain/services/queries';
import { CALLBACK_HOURS, decideTemp, INSTALMENT_MINIMUM, instalmentQuote, REPLACEMENT_FEE, TEMP_DAYS } from '../../domain/services/rules';
import { quote } from '../confirm/quote';
import { formatDay, formatMoney } from '../messaging/templates';
import { chooseCard } from './card-choice';
import { defineCommand, optionalLast4 } from './command';

const last4 = z.string().regex(/^\d{4}$/);

/** TEMP <amount> [last4] / 临额 / 臨時額度: a temporary limit increase for 30 days, decided by the rule table (approve, refer, decline). */
export const temp = defineCommand({
  name: 'temp',
  audience: 'customer',
  aliases: { en: ['TEMP'], 'zh-CN': ['临额', '提额'], 'zh-HK': ['臨時額度', '加額'] },
  phrasings: { en: ['TEMPORARY LIMIT', 'LIMIT INCREASE', 'RAISE MY LIMIT'], 'zh-CN': ['临时额度', '提高额度'], 'zh-HK': ['提高額度'] },
  args: z
    .union([z.tuple([z.string().regex(/^\d{1,7}$/)]), z.tuple([z.string().regex(/^\d{1,7}$/), last4])])
    .transform((t) => ({ amount: Number(t[0]), last4: t[1] as string | undefined }))
    .refine((a) => a.amount >= 100, 'at least 100'),
  usage: 'temp.usage',
  async run(ctx, { amount, last4: l4 }) {
    const card = chooseCard(ctx, l4);
    if (!card) return;
    const customer = ctx.customer!;
    const decision = decideTemp(customer.tier, card.late_payments, card.credit_limit, amount);
    const money = (n: number) => formatMoney(n, card.currency, ctx.locale);
    await ctx.audit('temp.decided', `card:${card.id}`, { amount, decision });
    if (decision === 'decline') return ctx.reply('temp.decline', { card: displayCard(card.last4), amount: money(amount) });
    if (decision === 'refer') {
      const hours = CALLBACK_HOURS[customer.tier];
      const c = await openCase(
        ctx.db,
        {
          kind: 'callback',
          customerId: customer.id,
          cardId: card.id,
          summary: `Temporary limit +${amount} ${card.currency} referred by the rule table`,
          dueAt: new Date(ctx.now.getTime() + hours * 3600_000),
        },
        ctx.now,
      );
      return ctx.reply('temp.refer', { card: displayCard(card.last4), amount: money(amount), ref: c.ref, hours });
    }
    const until = new Date(ctx.now.getTime() + TEMP_DAYS * 86_400_000).toISOString().slice(0, 10);
    const newLimit = card.credit_limit + amount;
    await quote(ctx, 'temp', card, { amount, newLimit, until, currency: card.currency }, 'temp.quote', {
      amount: money(amount),
      newLimit: money(newLimit),
      until: formatDay(until, ctx.locale),
    });
  },
});

/** INST 3|6|12 [last4] / 分期: the latest statement in instalments, fee and monthly amount quoted. */
export const instal = defineCommand({
  name: 'instal',
  audience: 'customer',
  aliases: { en: ['INST', 'INSTAL', 'EPP'], 'zh-CN': ['分期', '账单分期'], 'zh-HK': ['分期', '月結單分期'] },
  phrasings: { en: ['INSTALMENT', 'INSTALLMENT', 'INSTALMENTS', 'INSTALLMENTS'], 'zh-CN': ['分期付款'], 'zh-HK': ['分期付款'] },
  args: z
    .union([z.tuple([z.enum(['3', '6', '12'])]), z.tuple([z.enum(['3', '6', '12']), last4])])
    .transform((t) => ({ months: Number(t[0]), last4: t[1] as string | undefined })),
  usage: 'instal.usage',
  async run(ctx, { months, last4: l4 }) {
    const card = chooseCard(ctx, l4);
    if (!card) return;
    const st = await latestStatement(ctx.db, card.id);
    const amount = st ? Math.round((st.balance - st.paid_amount) * 100) / 100 : 0;
    const q = instalmentQuote(amount, months);
    if (!st || !q) return ctx.reply('instal.none', { card: displayCard(card.last4), minimum: formatMoney(INSTALMENT_MINIMUM, card.currency, ctx.locale) });
    const money = (n: number) => formatMoney(n, st.currency, ctx.locale);
    await quote(ctx, 'instal', card, { months, amount, fee: q.fee, monthly: q.monthly, statement: st.external_id, currency: st.currency }, 'instal.quote', {
      months,
      amount: money(amount),
      fee: money(q.fee),
      monthly: money(q.monthly),
    });
  },
});

/** REDEEM [code] / 兑换 / 兌換: the points catalogue, or a redemption quoted. */
export const redeem = defineCommand({
  name: 'redeem',
  audience: 'customer',
  aliases: { en: ['REDEEM'], 'zh-CN': ['兑换', '积分兑换'], 'zh-HK': ['兌換', '積分兌換'] },
  phrasings: { en: ['REDEMPTION', 'CATALOGUE', 'CATALOG'], 'zh-CN': ['兑礼', '换礼品'], 'zh-HK': ['換禮品'] },
  args: z.union([z.tuple([]), z.tuple([z.string().regex(/^[A-Z0-9]{1,12}$/)])]).transform((t) => ({ code: t[0] as string | undefined })),
  usage: 'redeem.usage',
  async run(ctx, { code }) {
    if (!ctx.customer) return ctx.reply('common.not_found');
    const catalogue = await rewardCatalogue(ctx.db);
    const name = (r: (typeof catalogue)[number]) => r.name[ctx.locale] ?? r.name.en ?? r.code;
    if (!code) {
      const items = catalogue.map((r) => ctx.render('redeem.item', { code: r.code, name: name(r), points: r.points })).join('\n');
      return ctx.reply('redeem.list', { items, points: ctx.customer.points });
    }
    const reward = catalogue.find((r) => r.code === code);
    if (!reward) return ctx.reply('redeem.unknown', { code });
    if (ctx.customer.points < reward.points) return ctx.reply('redeem.short', { name: name(reward), points: reward.points, have: ctx.customer.points });
    await quote(ctx, 'redeem', null, { code, name: name(reward), points: reward.points }, 'redeem.quote', {
      name: name(reward),
      points: reward.points,
      left: ctx.customer.points - reward.points,
    });
  },
});

/** REPLACE [last4] / 补卡 / 補卡: a new card (damaged, worn); fee by tier, platinum free; quoted, done on Y. */
export const replace = defineCommand({
  name: 'replace',
  audience: 'customer',
  aliases: { en: ['REPLACE', 'NEWCARD'], 'zh-CN': ['补卡', '换卡'], 'zh-HK': ['補卡', '換卡'] },
  phrasings: { en: ['REPLACEMENT', 'DAMAGED CARD', 'BROKEN CARD'], 'zh-CN': ['卡坏了', '换新卡'], 'zh-HK': ['張卡壞咗', '換新卡'] },
  args: optionalLast4,
  usage: 'common.usage_card',
  async run(ctx, { last4: l4 }) {
    const card = chooseCard(ctx, l4);
    if (!card) return;
    const fee = REPLACEMENT_FEE[ctx.customer!.tier];
    await quote(ctx, 'replace', card, { fee, currency: card.currency }, 'replace.quote', {
      fee: formatMoney(fee, card.currency, ctx.locale),
      free: fee === 0 ? 'yes' : 'no',
    });
  },
});
