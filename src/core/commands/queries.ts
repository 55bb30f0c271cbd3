import { latestStatement, pickCards } from '../../domain/accounts';
import { displayCard } from '../../domain/pan';
import { recentTransactions } from '../../domain/services/queries';
import { ANNUAL_FEE, CASH_ADVANCE_SHARE } from '../../domain/services/rules';
import { formatDay, formatMoney } from '../messaging/templates';
import { defineCommand, optionalLast4 } from './command';

/** TXN [last4] / 明细 / 交易紀錄: the last 5 transactions of the customer's cards, or of one card. */
export const txns = defineCommand({
  name: 'txns',
  audience: 'customer',
  aliases: { en: ['TXN', 'TXNS', 'HIST'], 'zh-CN': ['明细', '交易明细', 'MX'], 'zh-HK': ['交易紀錄', '紀錄'] },
  phrasings: {
    en: ['TRANSACTIONS', 'RECENT TRANSACTIONS', 'SPENDING', 'PURCHASES'],
    'zh-CN': ['消费记录', '交易记录', '最近交易'],
    'zh-HK': ['簽賬紀錄', '最近交易'],
  },
  args: optionalLast4,
  usage: 'common.usage_card',
  readOnly: true,
  async run(ctx, { last4 }) {
    const cards = pickCards(ctx.cards, last4);
    if (cards.length === 0) return ctx.reply('common.not_found');
    const rows = await recentTransactions(
      ctx.db,
      cards.map((c) => c.id),
      5,
    );
    if (rows.length === 0) return ctx.reply('txns.none');
    const zone = ctx.customer?.time_zone ?? ctx.config.defaultTimeZone;
    const lines = rows.map((t) =>
      ctx.render('txns.line', {
        day: formatDay(t.occurred_at.toLocaleDateString('en-CA', { timeZone: zone }), ctx.locale),
        merchant: t.merchant,
        amount: formatMoney(t.amount, t.currency, ctx.locale),
        card: displayCard(t.last4),
      }),
    );
    ctx.reply('txns.report', { lines: lines.join('\n') });
  },
});

/** DUE [last4] / 还款 / 還款: due date, statement balance, unpaid minimum and how to pay. */
export const due = defineCommand({
  name: 'due',
  audience: 'customer',
  aliases: { en: ['DUE', 'PAYDUE'], 'zh-CN': ['还款', '还款日'], 'zh-HK': ['還款', '還款日'] },
  phrasings: {
    en: ['DUE DATE', 'PAYMENT DUE', 'WHEN TO PAY', 'BILL DUE', 'MINIMUM PAYMENT', 'MIN PAYMENT'],
    'zh-CN': ['最后还款日', '几号还款', '要还多少', '最低还款'],
    'zh-HK': ['幾時還款', '到期日', '要還幾多'],
  },
  args: optionalLast4,
  usage: 'common.usage_card',
  readOnly: true,
  async run(ctx, { last4 }) {
    const cards = pickCards(ctx.cards, last4);
    if (cards.length === 0) return ctx.reply('common.not_found');
    const lines: string[] = [];
    for (const card of cards) {
      const st = await latestStatement(ctx.db, card.id);
      if (!st) continue;
      lines.push(
        ctx.render('due.line', {
          card: displayCard(card.last4),
          due: formatDay(st.due_date, ctx.locale),
          balance: formatMoney(Math.max(0, st.balance - st.paid_amount), st.currency, ctx.locale),
          minimum: formatMoney(Math.max(0, st.minimum_due - st.paid_amount), st.currency, ctx.locale),
          autopay: card.autopay,
        }),
      );
    }
    if (lines.length === 0) return ctx.reply('due.none');
    ctx.reply('due.report', { lines: lines.join('\n') });
  },
});

/** LIMIT [last4] / 额度 / 額度: credit limit, available credit and cash-advance limit (and a temporary limit). */
export const limit = defineCommand({
  name: 'limit',
  audience: 'customer',
  aliases: { en: ['LIMIT', 'CREDITLIMIT'], 'zh-CN': ['额度', '信用额度'], 'zh-HK': ['額度', '信用額度'] },
  phrasings: { en: ['CREDIT LIMIT', 'AVAILABLE CREDIT', 'CASH ADVANCE'], 'zh-CN': ['可用额度', '取现额度'], 'zh-HK': ['可用額度', '現金透支'] },
  args: optionalLast4,
  usage: 'common.usage_card',
  readOnly: true,
  async run(ctx, { last4 }) {
    const cards = pickCards(ctx.cards, last4);
    if (cards.length === 0 || !ctx.customer) return ctx.reply('common.not_found');
    const share = CASH_ADVANCE_SHARE[ctx.customer.tier];
    const today = ctx.now.toISOString().slice(0, 10);
    const lines = cards.map((c) => {
      const temp = c.temp_limit !== null && c.temp_limit_until !== null && c.temp_limit_until >= today;
      const limitNow = temp ? c.temp_limit! : c.credit_limit;
      return ctx.render('limit.line', {
        card: displayCard(c.last4),
        limit: formatMoney(c.credit_limit, c.currency, ctx.locale),
        available: formatMoney(Math.max(0, (c.available_credit ?? c.credit_limit - c.balance) + (limitNow - c.credit_limit)), c.currency, ctx.locale),
        cash: formatMoney(Math.round(c.credit_limit * share * 100) / 100, c.currency, ctx.locale),
        temp: temp ? formatMoney(c.temp_limit!, c.currency, ctx.locale) : 'none',
        until: temp ? formatDay(c.temp_limit_until!, ctx.locale) : '',
      });
    });
    ctx.reply('limit.report', { lines: lines.join('\n') });
  },
});

/** The next anniversary of a card (its expiry month and day) on or after `now`, YYYY-MM-DD. */
export function nextAnniversary(expiresOn: string, now: Date): string {
  const md = expiresOn.slice(5);
  const year = now.getUTCFullYear();
  const candidate = `${year}-${md}`;
  return candidate >= now.toISOString().slice(0, 10) ? candidate : `${year + 1}-${md}`;
}

/** FEE [last4] / 年费 / 年費: annual fee, whether it is due, waived or paid, and how it is waived. */
export const fee = defineCommand({
  name: 'fee',
  audience: 'customer',
  aliases: { en: ['FEE', 'ANNUALFEE'], 'zh-CN': ['年费'], 'zh-HK': ['年費'] },
  phrasings: { en: ['ANNUAL FEE', 'FEE WAIVER'], 'zh-CN': ['免年费', '年费减免'], 'zh-HK': ['免年費', '豁免年費'] },
  args: optionalLast4,
  usage: 'common.usage_card',
  readOnly: true,
  async run(ctx, { last4 }) {
    const cards = pickCards(ctx.cards, last4);
    if (cards.length === 0 || !ctx.customer) return ctx.reply('common.not_found');
    const rule = ANNUAL_FEE[ctx.customer.tier];
    const lines = cards.map((c) =>
      ctx.render('fee.line', {
        card: displayCard(c.last4),
        fee: formatMoney(rule.fee, c.currency, ctx.locale),
        status: c.annual_fee_status,
        date: formatDay(nextAnniversary(c.expires_on, ctx.now), ctx.locale),
        waiver: 'purchases' in rule.waiver ? 'purchases' : 'spend',
        count: 'purchases' in rule.waiver ? rule.waiver.purchases : 0,
        spend: 'spend' in rule.waiver ? formatMoney(rule.waiver.spend, c.currency, ctx.locale) : '',
      }),
    );
    ctx.reply('fee.report', { lines: lines.join('\n') });
  },
});

/** AUTOPAY [last4] / 自动还款 / 自動還款: whether the card's bill is paid automatically, in full or the minimum. */
export const autopay = defineCommand({
  name: 'autopay',
  audience: 'customer',
  aliases: { en: ['AUTOPAY'], 'zh-CN': ['自动还款'], 'zh-HK': ['自動還款', '自動轉賬'] },
  phrasings: { en: ['AUTO PAY', 'DIRECT DEBIT'], 'zh-CN': ['自动扣款'], 'zh-HK': ['自動扣數'] },
  args: optionalLast4,
  usage: 'common.usage_card',
  readOnly: true,
  async run(ctx, { last4 }) {
    const cards = pickCards(ctx.cards, last4);
    if (cards.length === 0) return ctx.reply('common.not_found');
    const lines = cards.map((c) => ctx.render('autopay.line', { card: displayCard(c.last4), mode: c.autopay }));
    ctx.reply('autopay.report', { lines: lines.join('\n') });
  },
});
