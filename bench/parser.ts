// npm run bench:parser — the keyword parser, on the hot path of every text: `TextHandler.answersOnly`
// parses each text as staff and as cardholder, `TextHandler.one` once more. Texts a second for each
// kind of text, in this process, no database: the exact keywords `bench:smpp` sends (BAL) must cost
// what they did; tidied, loose and asked texts cost more and are rarer. BENCH_SECONDS per kind (2).
import { readFileSync } from 'node:fs';
import { commands } from '../src/core/commands/index';
import { KeywordParser } from '../src/core/inbound/parser';
import { machine } from './db';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 2);
const corpus = (JSON.parse(readFileSync('test/fixtures/phrasings.json', 'utf8')) as { phrasings: { text: string; expect: string; mustNotAct?: boolean }[] })
  .phrasings;

const kinds: [string, string[]][] = [
  ['exact BAL (what bench:smpp sends)', ['BAL']],
  ['exact, with arguments', ['BAL 5675', '余额5675', 'ACT 765432', 'LANG EN', 'JOIN HC2026']],
  ['exact Chinese', ['余额', '账单', '積分', '掛失']],
  ['tidied (punctuation, politeness)', ['bal?', '余额？', 'balance please', '唔該餘額', 'LOST!', '请挂失']],
  ['loose queries (corpus)', corpus.filter((p) => !p.mustNotAct && /^(balance|bill|points|help)$/.test(p.expect)).map((p) => p.text)],
  ['must not act (corpus)', corpus.filter((p) => p.mustNotAct).map((p) => p.text)],
  ['not understood', ['I was charged twice on my bill and want a refund now', 'x'.repeat(2000), '😀😀', '查询额度']],
];

const customer = new KeywordParser(commands.filter((c) => c.audience === 'customer'));
const staff = new KeywordParser(
  commands.filter((c) => c.audience === 'staff'),
  { understand: false },
);

/** Parses each text as `answersOnly` does (staff, then cardholder) for `seconds`; texts a second. */
function rate(texts: string[], seconds: number): number {
  let n = 0;
  const end = performance.now() + seconds * 1000;
  while (performance.now() < end) {
    for (let i = 0; i < 100; i++) {
      const text = texts[n++ % texts.length];
      staff.parse(text);
      customer.parse(text);
    }
  }
  return n / seconds;
}

console.log(`bench:parser — ${machine()}, ${new Date().toISOString()}, ${SECONDS} s a kind, each text parsed as staff and as cardholder`);
for (const [name, texts] of kinds) {
  rate(texts, Math.min(0.5, SECONDS)); // warm-up: the JIT, and the first Traditional → Simplified fold builds its tables
  const perSecond = rate(texts, SECONDS);
  console.log(
    `  ${name.padEnd(36)} ${String(texts.length).padStart(4)} texts  ${Math.round(perSecond).toLocaleString('en').padStart(11)}/s  ${(1e6 / perSecond).toFixed(2).padStart(7)} µs each`,
  );
}
