import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { customerLine } from '../../../bench/import/data';
import { freshDatabase, type TestDatabase } from '../../helpers/db';
import { TEST_SECRET } from '../../helpers/gateway';
import { runTs } from '../../helpers/run';

let tdb: TestDatabase;
let env: Record<string, string>;
const dir = mkdtempSync(path.join(os.tmpdir(), 'uplink-ndjson-'));
const write = (name: string, lines: string[]) => {
  const file = path.join(dir, name);
  writeFileSync(file, lines.map((l) => `${l}\n`).join(''));
  return file;
};
const lines = (n: number, round = 0) => Array.from({ length: n }, (_, i) => customerLine(i + 1, round));

beforeAll(async () => {
  tdb = await freshDatabase();
  env = { DATABASE_URL: tdb.url, CARD_HASH_SECRET: TEST_SECRET };
});
afterAll(async () => {
  await tdb.drop();
});

describe('npm run cli -- import <file.ndjson>', () => {
  it('streams the file with a progress line per 10 % (not a terminal) and a summary', async () => {
    const file = write('day1.ndjson', lines(12_000));
    const r = await runTs('src/cli/index.ts', ['import', file, '--as-of', '2026-11-30T02:00:00+08:00'], env, 120_000);
    expect(r.code).toBe(0);
    // Batches of 5,000 lines: progress is known at 5,000, 10,000 and the end.
    expect(r.stderr).toMatch(
      /^41% · 5,000 lines · [\d,]+\/s · ETA \d+:\d\d\n83% · 10,000 lines · [\d,]+\/s · ETA \d+:\d\d\n100% · 12,000 lines · [\d,]+\/s · ETA 0:00\n$/,
    );
    expect(r.stdout).toMatch(
      /^customers: 12,000 inserted, 0 updated, 0 unchanged\ncards: 12,000 inserted, 0 updated, 0 unchanged\nstatements: 12,000 inserted, 0 updated, 0 unchanged\nrefused: 0 line\(s\)\n.*day1\.ndjson: imported 12,000 lines in [\d.]+ s \(all-or-nothing\)\n$/,
    );
    const asOf = await tdb.db.selectFrom('cards').select('as_of').where('external_id', '=', 'BK-1').executeTakeFirstOrThrow();
    expect(asOf.as_of).toEqual(new Date('2026-11-29T18:00:00Z'));
  });

  it('names each bad line and its field, imports nothing, and checks without writing', async () => {
    const bad = lines(5, 1);
    bad[2] = bad[2].replace(/"pan":"\d+"/, '"pan":"1234"');
    const file = write('bad.ndjson', bad);
    const r = await runTs('src/cli/index.ts', ['import', file], env);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${file}: line 3: cards[0].pan: not a valid card number (13–19 digits, Luhn)\n`);
    expect(r.stdout).toMatch(
      /refused: 1 line\(s\)\n[\s\S]*bad\.ndjson: 5 lines in [\d.]+ s; nothing was imported \(all-or-nothing: fix the refused lines and run it again\)\n$/,
    );
    const check = await runTs('src/cli/index.ts', ['import', write('next.ndjson', lines(3, 1)), '--check'], env);
    expect(check.code).toBe(0);
    expect(check.stdout).toMatch(/^customers: 0 inserted, 3 updated, 0 unchanged\n/);
    expect(check.stdout).toMatch(
      /not in this file: 11,997 customer\(s\) \(B-10, B-100, .*, …\) and 11,997 card\(s\) .*; --snapshot closes them\n.*next\.ndjson: checked 3 lines in [\d.]+ s; nothing written \(--check\)\n$/,
    );
    const balance = await tdb.db.selectFrom('cards').select('balance').where('external_id', '=', 'BK-1').executeTakeFirstOrThrow();
    expect(balance.balance).toBe(JSON.parse(customerLine(1, 0)).cards[0].balance);
  });

  it('refuses bad options with the reason', async () => {
    const file = write('x.ndjson', lines(1));
    expect(await runTs('src/cli/index.ts', ['import', file, '--as-of', 'yesterday'], env)).toMatchObject({
      code: 2,
      stderr: '--as-of: expected an ISO 8601 moment such as 2026-11-30T02:00:00+08:00, got yesterday\n',
    });
    expect((await runTs('src/cli/index.ts', ['import', file, '--batches', '--all-or-nothing'], env)).code).toBe(2);
    expect((await runTs('src/cli/index.ts', ['import', path.join(dir, 'none.ndjson')], env)).stderr).toMatch(/none\.ndjson: cannot read \(ENOENT\)\n$/);
  });
});
