import { z } from 'zod';
import { quote } from '../confirm/quote';
import { formatDay } from '../messaging/templates';
import { defineCommand } from './command';

/** The most days one travel notice covers. */
const MAX_DAYS = 180;

/** A day typed as YYYYMMDD, or MMDD (this year, or next year when already past): YYYY-MM-DD, or null. */
export function travelDay(word: string, today: string): string | null {
  const m = /^(\d{4})?(\d{2})(\d{2})$/.exec(word);
  if (!m) return null;
  const year = m[1] ?? today.slice(0, 4);
  let day = `${year}-${m[2]}-${m[3]}`;
  const d = new Date(`${day}T00:00:00Z`);
  if (Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== day) return null;
  if (!m[1] && day < today) day = `${Number(year) + 1}-${m[2]}-${m[3]}`;
  return day;
}

/** TRAVEL <from> <to> <countries…> / 出行 / 旅遊: a travel notice (ISO country codes), which the large-transaction check reads; quoted, done on Y. */
export const travel = defineCommand({
  name: 'travel',
  audience: 'customer',
  aliases: { en: ['TRAVEL', 'TRIP'], 'zh-CN': ['出行', '旅行'], 'zh-HK': ['旅遊', '外遊'] },
  phrasings: { en: ['TRAVEL NOTICE', 'GOING ABROAD'], 'zh-CN': ['出国', '出境'], 'zh-HK': ['出國', '去旅行'] },
  args: z
    .array(z.string())
    .min(3)
    .max(8)
    .refine((w) => w.slice(2).every((c) => /^[A-Z]{2}$/.test(c)), 'countries as 2-letter codes'),
  usage: 'travel.usage',
  async run(ctx, words) {
    if (!ctx.customer) return ctx.reply('common.not_found');
    const today = ctx.now.toISOString().slice(0, 10);
    const from = travelDay(words[0], today);
    const to = from ? travelDay(words[1], from) : null;
    const span = from && to ? (Date.parse(to) - Date.parse(from)) / 86_400_000 : -1;
    if (!from || !to || span < 0 || span > MAX_DAYS) return ctx.reply('travel.usage', { command: ctx.keyword });
    const countries = [...new Set(words.slice(2))];
    await quote(ctx, 'travel', null, { from, to, countries }, 'travel.quote', {
      from: formatDay(from, ctx.locale),
      to: formatDay(to, ctx.locale),
      countries: countries.join(', '),
    });
  },
});
