import { describe, expect, it } from '@jest/globals';
import { html, raw } from '../../../../src/http/console/html';
import { duration, MESSAGES, t } from '../../../../src/http/console/i18n';
import { navFor } from '../../../../src/http/console/layout';
import { parseRange } from '../../../../src/http/console/range';
import { cookie, parseCookies } from '../../../../src/http/console/session';

describe('html', () => {
  it('escapes what is interpolated and keeps nested html and arrays of it', () => {
    const name = `<script>alert("x")</script>&'`;
    expect(html`<p title="${name}">${name}</p>`.value).toBe(
      '<p title="&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#39;">&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#39;</p>',
    );
    const items = ['a<', 'b'].map((x) => html`<li>${x}</li>`);
    // prettier-ignore
    expect(html`<ul>${items}</ul>`.value).toBe('<ul><li>a&lt;</li><li>b</li></ul>');
    expect(html`${raw('<b>')}${null}${undefined}${false}${0}`.value).toBe('<b>0');
  });
});

describe('UI texts', () => {
  it('has every key in both languages with the same placeholders', () => {
    const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
    for (const lang of ['zh', 'zh-HK'] as const) {
      expect(Object.keys(MESSAGES[lang]).sort()).toEqual(Object.keys(MESSAGES.en).sort());
      const differ = Object.keys(MESSAGES.en).filter(
        (k) =>
          JSON.stringify(placeholders(MESSAGES.en[k as keyof typeof MESSAGES.en])) !==
          JSON.stringify(placeholders(MESSAGES[lang][k as keyof typeof MESSAGES.en])),
      );
      expect(differ).toEqual([]);
    }
    expect(MESSAGES['zh-HK']['nav.dashboard']).toBe('儀表盤');
  });

  it('fills placeholders and leaves unknown ones visible', () => {
    expect(t('en', 'inbox.done', { ref: '123456' })).toBe('123456: done.');
    expect(t('zh', 'sla.breached', { time: '5m' })).toBe('已超时 5m');
    expect(t('en', 'inbox.done')).toBe('{ref}: done.');
  });

  it.each([
    [0, '0m'],
    [59, '59m'],
    [60, '1h 00m'],
    [-125, '2h 05m'],
    [1440, '1d 0h'],
    [3000, '2d 2h'],
  ])('duration(%i) is %s', (minutes, text) => expect(duration(minutes)).toBe(text));
});

describe('menu', () => {
  it.each([
    ['agent', true, ['/console/inbox', '/console/customers', '/console/phone']],
    ['marketing', false, ['/console/campaigns', '/console/keywords']],
    ['marketing', true, ['/console/phone', '/console/campaigns', '/console/keywords']],
    ['supervisor', false, ['/console/inbox', '/console/customers', '/console/campaigns', '/console/keywords', '/console/dashboard']],
    // Campaigns take the staff API's roles (marketing, supervisor); keywords' include admin.
    ['admin', true, ['/console/inbox', '/console/customers', '/console/phone', '/console/keywords', '/console/dashboard', '/console/staff']],
  ] as const)('%s (simulator %p) sees %j', (role, production, paths) => {
    expect(navFor(role, production).map((e) => e.path)).toEqual(paths);
  });
});

describe('parseRange', () => {
  const now = new Date('2026-11-28T02:30:00Z');
  it.each([
    [undefined, undefined, '2026-11-27T00:00:00.000Z', '2026-11-29T00:00:00.000Z'],
    ['2026-11-01', '2026-11-30', '2026-11-01T00:00:00.000Z', '2026-12-01T00:00:00.000Z'],
    ['2026-11-28', '2026-11-28', '2026-11-28T00:00:00.000Z', '2026-11-29T00:00:00.000Z'],
    ['', '2026-02-01', '2026-01-31T00:00:00.000Z', '2026-02-02T00:00:00.000Z'],
  ])('from %p to %p is [%s, %s)', (from, to, start, end) => {
    const r = parseRange(from, to, now);
    if ('problem' in r) throw new Error(r.problem);
    expect([r.from.toISOString(), r.to.toISOString()]).toEqual([start, end]);
  });

  it.each([
    ['2026-11-31', '2026-12-01', 'from: not a date (YYYY-MM-DD)'],
    ['2026-11-01', 'tomorrow', 'to: not a date (YYYY-MM-DD)'],
    ['2026-12-05', '2026-12-01', 'from: after to'],
    ['2026-01-01', '2026-12-01', 'to: more than 92 days after from'],
  ])('refuses from %p to %p: %s', (from, to, problem) => {
    expect(parseRange(from, to, now)).toEqual({ problem });
  });
});

describe('cookies', () => {
  it('reads a Cookie header, first of a repeated name, ignoring junk', () => {
    expect(parseCookies('a=1; uplink_console=abc; a=2; junk; =x')).toEqual({ a: '1', uplink_console: 'abc' });
    expect(parseCookies(undefined)).toEqual({});
  });

  it('sets HttpOnly and SameSite=Strict always, Secure unless told not to', () => {
    expect(cookie('s', 'v', { path: '/console', secure: true })).toBe('s=v; Path=/console; HttpOnly; SameSite=Strict; Secure');
    expect(cookie('s', '', { path: '/console', secure: false, maxAgeSeconds: 0 })).toBe('s=; Path=/console; HttpOnly; SameSite=Strict; Max-Age=0');
  });
});
