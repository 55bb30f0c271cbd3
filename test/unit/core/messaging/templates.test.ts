import { IntlMessageFormat } from 'intl-messageformat';
import { describe, expect, it } from '@jest/globals';
import { formatDay, formatMoment, formatMoney, LOCALES, Templates, TEMPLATES_DIR } from '../../../../src/core/messaging/templates';

const templates = new Templates(TEMPLATES_DIR);

type Element = { type: number; value?: string; options?: Record<string, { value: Element[] }> };

/** Argument names and kinds a message uses (from the ICU AST), to build sample values. */
function argumentsOf(elements: Element[], out = new Map<string, 'text' | 'number' | 'select'>()) {
  for (const el of elements) {
    if (el.type === 1 && el.value) out.set(el.value, out.get(el.value) ?? 'text');
    if (el.type === 2 && el.value) out.set(el.value, 'number');
    if ((el.type === 5 || el.type === 6) && el.value) out.set(el.value, el.type === 5 ? 'select' : 'number');
    for (const opt of Object.values(el.options ?? {})) argumentsOf(opt.value, out);
  }
  return out;
}

function sampleValues(locale: string, key: string, selectValue: string) {
  const source = (templates as unknown as { sources: Map<string, Map<string, string>> }).sources.get(locale)!.get(key)!;
  const args = argumentsOf(new IntlMessageFormat(source, locale).getAst() as Element[]);
  return Object.fromEntries([...args].map(([name, kind]) => [name, kind === 'number' ? 1234 : kind === 'select' ? selectValue : `<${name}>`]));
}

describe('templates', () => {
  it('have the same keys in every locale', () => {
    const en = templates.keys('en');
    expect(en.length).toBeGreaterThan(20);
    for (const locale of LOCALES) expect(templates.keys(locale)).toEqual(en);
  });

  it.each(LOCALES.flatMap((locale) => templates.keys('en').map((key) => [locale, key])))('%s %s renders with sample values', (locale, key) => {
    for (const selectValue of ['platinum', 'other']) {
      const values = sampleValues(locale, key, selectValue);
      const text = templates.render(locale as never, key, values);
      expect(text.length).toBeGreaterThan(0);
      expect(text).not.toMatch(/[{}]/);
    }
  });

  it('use the same arguments in every locale', () => {
    const names = (l: string, key: string) => ({ key, names: Object.keys(sampleValues(l, key, 'other')).sort() });
    for (const key of templates.keys('en')) {
      expect(names('zh-CN', key)).toEqual(names('en', key));
      expect(names('zh-HK', key)).toEqual(names('en', key));
    }
  });

  it('throws on a missing key', () => {
    expect(() => templates.render('en', 'nope.nothing')).toThrow(/no template nope.nothing for en/);
  });
});

describe('formatting', () => {
  it.each([
    [1234.5, 'CNY', 'zh-CN', '¥1,234.50'],
    [1234.5, 'HKD', 'zh-HK', 'HK$1,234.50'],
    [1234.5, 'USD', 'en', '$1,234.50'],
    [1234.5, 'CNY', 'en', 'CN¥1,234.50'],
  ])('money %d %s %s → %s', (amount, currency, locale, expected) => {
    expect(formatMoney(amount, currency, locale as never)).toBe(expected);
  });

  it('shows dates without shifting them and moments in the customer time zone', () => {
    expect(formatDay('2026-11-30', 'en')).toBe('Nov 30, 2026');
    expect(formatDay('2026-11-30', 'zh-CN')).toBe('2026年11月30日');
    const at = new Date('2026-11-28T02:30:00Z');
    expect(formatMoment(at, 'Asia/Shanghai', 'en')).toBe('Nov 28, 2026, 10:30 AM');
    expect(formatMoment(at, 'America/New_York', 'en')).toBe('Nov 27, 2026, 9:30 PM');
  });
});
