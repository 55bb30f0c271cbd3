import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { recordTransaction } from '../../../../src/core/checks/record';
import { testGateway, type TestGateway } from '../../../helpers/gateway';

/**
 * The corpus of how cardholders actually type (test/fixtures/phrasings.json), through the real
 * pipeline on a real database: each text from a demo customer of its language, with a pending
 * large-transaction check, a sign-up and marketing consent to lose, so that a text acted on by
 * mistake shows in the rows.
 */
type Lang = 'en' | 'zh-CN' | 'zh-HK';
type Phrasing = { text: string; lang: Lang; expect: string; mustNotAct?: boolean };
const corpus = (JSON.parse(readFileSync('test/fixtures/phrasings.json', 'utf8')) as { phrasings: Phrasing[] }).phrasings;

const FROM: Record<Lang, string> = { en: '+16465550123', 'zh-CN': '+8613800138000', 'zh-HK': '+85291234567' };
const CHECKED: Record<Lang, { cardId: string; currency: string }> = {
  en: { cardId: 'K-3001', currency: 'USD' },
  'zh-CN': { cardId: 'K-1001', currency: 'CNY' },
  'zh-HK': { cardId: 'K-2001', currency: 'HKD' },
};
const ACTIONS = new Set(['activate', 'lost', 'close', 'join', 'withdraw', 'yes', 'no', 'lang', 'stop', 'start']);

let t: TestGateway;
beforeAll(async () => {
  t = await testGateway({ env: { RATE_LIMIT_PER_MINUTE: '100000', DESTINATION_MAX_PER_MINUTE: '100000', REPLIES_PER_NUMBER_PER_DAY: '100000' } });
  for (const [lang, card] of Object.entries(CHECKED)) {
    const tx = { transactionId: `T-${lang}`, ...card, amount: 900_000, merchant: 'Corpus Store', occurredAt: '2026-11-28T10:00:00+08:00' };
    const done = await t.tdb.db.transaction().execute((trx) => recordTransaction(trx, t.gw.notifier, t.gw.config, tx, t.clock.now()));
    expect(done).toMatchObject({ kind: 'recorded', check: { status: 'pending' } });
  }
  for (const from of [FROM['zh-CN'], FROM['zh-HK']]) expect((await t.sms(from, 'JOIN HC2026'))[0]).toMatch(/HC2026|\d{6}/);
});
afterAll(async () => {
  await t.close();
});

/** Every row a text could change by acting: cards, consent, cases, checks, sign-ups, activation attempts. */
async function state() {
  const db = t.tdb.db;
  return {
    cards: await db.selectFrom('cards').selectAll().orderBy('id').execute(),
    customers: await db.selectFrom('customers').selectAll().orderBy('id').execute(),
    suppressions: await db.selectFrom('suppressions').selectAll().orderBy('mobile').execute(),
    cases: await db.selectFrom('cases').selectAll().orderBy('id').execute(),
    checks: await db.selectFrom('transaction_checks').selectAll().orderBy('id').execute(),
    registrations: await db.selectFrom('registrations').selectAll().orderBy('id').execute(),
    attempts: await db.selectFrom('activation_attempts').selectAll().orderBy('id').execute(),
  };
}

/** What the gateway made of the last text, from its record and audit row: a command, help, which, ask:<command>, unknown. */
async function outcome(): Promise<string> {
  const msg = await t.tdb.db.selectFrom('inbound_messages').select(['id', 'command']).orderBy('id', 'desc').limit(1).executeTakeFirstOrThrow();
  const row = await t.tdb.db
    .selectFrom('audit_log')
    .select('details')
    .where('action', 'like', 'command.%')
    .where(({ ref, eb }) => eb(ref('details', '->>').key('inboundId' as never), '=', String(msg.id)))
    .executeTakeFirstOrThrow();
  const details = row.details as { asked?: string; usage?: boolean };
  if (msg.command === 'unsure') return `ask:${details.asked}`;
  if (msg.command === 'ambiguous') return 'which';
  if (msg.command === 'empty') return 'help';
  // An action keyword with words it cannot take answers with its usage: a question too, nothing done.
  if (details.usage && ACTIONS.has(msg.command!)) return `ask:${msg.command}`;
  return msg.command!;
}

describe('the phrasings corpus', () => {
  it('has at least 200 phrasings in the three languages, 40 of them must not act', () => {
    expect(corpus.length).toBeGreaterThanOrEqual(200);
    expect(corpus.filter((p) => p.mustNotAct).length).toBeGreaterThanOrEqual(40);
    for (const lang of ['en', 'zh-CN', 'zh-HK'] as const) expect(corpus.filter((p) => p.lang === lang).length).toBeGreaterThanOrEqual(50);
    expect(new Set(corpus.map((p) => `${p.lang} ${p.text}`)).size).toBe(corpus.length);
  });

  it('is understood (≥ 95 %), each text answered, and no must-not-act text changes a card, a consent, a case or a check', async () => {
    const misses: string[] = [];
    const acted: string[] = [];
    const silent: string[] = [];
    const byLang: Record<string, { ok: number; all: number }> = {};
    for (const p of corpus) {
      const before = p.mustNotAct ? await state() : null;
      const replies = await t.sms(FROM[p.lang], p.text);
      if (replies.length === 0) silent.push(p.text);
      const got = await outcome();
      const lang = (byLang[p.lang] ??= { ok: 0, all: 0 });
      lang.all++;
      if (got === p.expect) lang.ok++;
      else misses.push(`${p.lang} ${JSON.stringify(p.text)}: expected ${p.expect}, got ${got}`);
      if (before) {
        const after = await state();
        for (const table of Object.keys(before) as (keyof typeof before)[]) {
          if (JSON.stringify(after[table]) !== JSON.stringify(before[table])) acted.push(`${JSON.stringify(p.text)} changed ${table}`);
        }
      }
    }
    const ok = corpus.length - misses.length;
    const rate = ok / corpus.length;
    const perLang = Object.entries(byLang).map(([l, r]) => `${l} ${r.ok}/${r.all}`);
    console.log(
      `phrasings understood: ${ok}/${corpus.length} = ${(rate * 100).toFixed(1)} % (${perLang.join(', ')}); ` +
        `must not act: ${corpus.filter((p) => p.mustNotAct).length}, acted on: ${acted.length}` +
        (misses.length ? `\nmisses:\n  ${misses.join('\n  ')}` : ''),
    );
    expect(acted).toEqual([]);
    expect(silent).toEqual([]);
    expect(rate).toBeGreaterThanOrEqual(0.95);
  }, 300_000); // 300-odd texts, each through the pipeline and the dispatcher: minutes on a busy machine
});
