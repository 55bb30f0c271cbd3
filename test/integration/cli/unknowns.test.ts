import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { TEST_SECRET, TestClock, testGateway, type TestGateway } from '../../helpers/gateway';
import { runTs } from '../../helpers/run';

const JOHN = '+16465550123';
const CHAN = '+85291234567';
const STRANGER = '+8613500135000';

let t: TestGateway;
let env: Record<string, string>;

// Texts at the wall clock's time, so the CLI's default window (the last 7 days) holds them.
beforeAll(async () => {
  t = await testGateway({ clock: TestClock.realTime(), env: { RATE_LIMIT_PER_MINUTE: '1000' } });
  env = { DATABASE_URL: t.tdb.url, CARD_HASH_SECRET: TEST_SECRET };
  const texts: [string, string][] = [
    [JOHN, 'balanse'],
    [JOHN, 'Balanse?'],
    [STRANGER, 'BALANSE please'],
    [JOHN, 'balanse 7891'],
    [CHAN, '查詢匯率'],
    [STRANGER, '查询汇率'],
    [JOHN, 'my card 4111 1111 1111 1111 looks odd'],
    [JOHN, 'BAL'], // understood: never listed
    [JOHN, 'is my card lost'], // asked about: understood, not listed
  ];
  for (const [from, text] of texts) expect((await t.sms(from, text)).length).toBeGreaterThan(0);
});
afterAll(async () => {
  await t.close();
});

const run = (...args: string[]) => runTs('src/cli/index.ts', ['unknowns', ...args], env);

describe('npm run cli -- unknowns', () => {
  it('lists the texts not understood in the last 7 days, grouped as the parser reads them, most frequent first', async () => {
    const r = await run();
    expect(r).toMatchObject({ code: 0, stderr: '' });
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^texts not understood since \d{4}-\d{2}-\d{2}T.*Z, most frequent first:$/);
    // Case, punctuation, politeness, numbers and the script aside: four spellings of one miss, two of another.
    const rows = lines.slice(2).map((l) => /^\s+(\d+) {2}(\S+)\s+(.*)$/.exec(l)!.slice(1));
    expect(rows.map(([count, , text]) => [Number(count), JSON.parse(text)])).toEqual([
      [4, expect.stringMatching(/^balanse/i)],
      [2, expect.stringMatching(/^(查詢匯率|查询汇率)$/)],
      [1, expect.stringMatching(/^my card [* ]+1111 looks odd$/)], // masked when it was recorded
    ]);
    expect(r.stdout).not.toContain('4111 1111');
  });

  it('takes --since and --limit', async () => {
    const one = await run('--limit', '1');
    expect(one.stdout.trimEnd().split('\n')).toHaveLength(3);
    const future = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
    expect(await run('--since', future)).toMatchObject({ code: 0, stdout: `every text since ${future}T00:00:00.000Z was understood\n` });
    expect((await run('--since', '24h')).stdout).toContain('balanse');
  });

  it('names the bad option', async () => {
    const since = await run('--since', 'last week');
    expect(since.code).toBe(2);
    expect(since.stderr).toMatch(/^--since: expected a duration \(7d, 24h\), a day \(2026-11-01\) or a moment .*, got "last week"\n/);
    expect(await run('--limit', '0')).toMatchObject({ code: 2, stderr: expect.stringMatching(/^--limit: expected a whole number from 1 to 500, got "0"\n/) });
    expect((await run('--sinse', '7d')).stderr).toMatch(/Unknown option '--sinse'/);
  });
});
