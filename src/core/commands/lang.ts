import { z } from 'zod';
import type { Locale } from '../../db/schema';
import { setCustomerLocale } from '../../domain/accounts';
import { defineCommand } from './command';

const CHOICES: Record<string, Locale> = {
  EN: 'en',
  ENGLISH: 'en',
  英文: 'en',
  英语: 'en',
  英語: 'en',
  ZH: 'zh-CN',
  CN: 'zh-CN',
  中文: 'zh-CN',
  简体: 'zh-CN',
  普通话: 'zh-CN',
  HK: 'zh-HK',
  TW: 'zh-HK',
  繁體: 'zh-HK',
  繁体: 'zh-HK',
  粤语: 'zh-HK',
  粵語: 'zh-HK',
  廣東話: 'zh-HK',
};

/** LANG EN|ZH|HK / 语言 / 語言: the language replies and notices are written in. */
export const lang = defineCommand({
  name: 'lang',
  audience: 'customer',
  aliases: { en: ['LANG', 'LANGUAGE'], 'zh-CN': ['语言'], 'zh-HK': ['語言'] },
  phrasings: {
    en: ['ENGLISH', 'CHINESE', 'MANDARIN', 'CANTONESE', 'TRADITIONAL', 'SIMPLIFIED'],
    'zh-CN': ['英文', '中文', '英语', '普通话', '简体', '繁体', '粤语'],
    'zh-HK': ['英文', '繁體', '粵語', '廣東話'],
  },
  args: z.tuple([z.string().refine((w) => w in CHOICES)]).transform(([w]) => ({ locale: CHOICES[w] })),
  usage: 'lang.usage',
  async run(ctx, { locale }) {
    if (ctx.customer) {
      await setCustomerLocale(ctx.db, ctx.customer.id, locale);
      await ctx.audit('customer.locale', `customer:${ctx.customer.id}`, { locale });
    }
    ctx.locale = locale;
    ctx.reply('lang.done');
  },
});
