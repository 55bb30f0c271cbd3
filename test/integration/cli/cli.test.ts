import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { freshDatabase, type TestDatabase } from '../../helpers/db';
import { TEST_SECRET, testGateway, type TestGateway } from '../../helpers/gateway';
import { runTs } from '../../helpers/run';

let tdb: TestDatabase;
let env: Record<string, string>;
const dir = mkdtempSync(path.join(os.tmpdir(), 'uplink-cli-'));

beforeAll(async () => {
  tdb = await freshDatabase();
  env = { DATABASE_URL: tdb.url, CARD_HASH_SECRET: TEST_SECRET };
});
afterAll(async () => {
  await tdb.drop();
});

describe('npm run cli -- import', () => {
  it('imports the example file, twice without duplicates', async () => {
    for (let i = 0; i < 2; i++) {
      const r = await runTs('src/cli/index.ts', ['import', 'test/fixtures/import-example.json'], env);
      expect(r).toMatchObject({ code: 0, stdout: 'imported 1 customers, 1 cards, 1 statements, 1 transactions, 1 events, 1 staff\n' });
    }
    expect(await tdb.db.selectFrom('customers').select('external_id').execute()).toEqual([{ external_id: 'C-9001' }]);
  });

  it('names each bad field with its path and imports nothing', async () => {
    const file = path.join(dir, 'bad.json');
    writeFileSync(
      file,
      JSON.stringify({
        customers: [
          { externalId: 'X1', name: 'A', mobile: '13800000001', cards: [] },
          { externalId: 'X2', name: 'B', mobile: '010-12345678', tier: 'gold' },
          {
            externalId: 'X3',
            name: 'C',
            mobile: '13800000003',
            cards: [{ externalId: 'K', pan: '1234', product: 'P', currency: 'CNY', creditLimit: 1, expiresOn: '2030-01-01' }],
          },
        ],
      }),
    );
    const r = await runTs('src/cli/index.ts', ['import', file], env);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      `${file}: customers[1].mobile: not a mobile number\n` +
        `${file}: customers[2].cards[0].pan: not a valid card number (13–19 digits, Luhn)\n` +
        '2 problem(s); nothing was imported\n',
    );
    expect(await tdb.db.selectFrom('customers').select('external_id').where('external_id', 'like', 'X%').execute()).toEqual([]);
  });

  it('says what is wrong with a missing file, bad JSON and a missing argument', async () => {
    const missing = await runTs('src/cli/index.ts', ['import', path.join(dir, 'nope.json')], env);
    expect(missing).toMatchObject({ code: 1, stderr: `${path.join(dir, 'nope.json')}: cannot read (ENOENT)\n` });
    const garbled = path.join(dir, 'garbled.json');
    writeFileSync(garbled, '{"customers": [');
    const bad = await runTs('src/cli/index.ts', ['import', garbled], env);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/^.*garbled\.json: \(document\): not JSON: /);
    expect(await runTs('src/cli/index.ts', ['import'], env)).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('usage: npm run cli -- import <file.json | file.ndjson>'),
    });
    expect((await runTs('src/cli/index.ts', ['frobnicate'], env)).code).toBe(2);
  });

  it('refuses a bad environment with the variable named', async () => {
    const r = await runTs('src/cli/index.ts', ['import', 'test/fixtures/import-example.json'], { ...env, DATABASE_URL: 'mysql://nope' });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('DATABASE_URL: expected postgres://');
  });
});

describe('npm run cli -- staff add', () => {
  it('creates a staff account and prints its token once; the database keeps only the hash', async () => {
    const r = await runTs(
      'src/cli/index.ts',
      ['staff', 'add', '--id', 'A-77', '--name', 'Agent Qian', '--role', 'agent', '--mobile', '13700137077', '--locale', 'en'],
      env,
    );
    expect(r.code).toBe(0);
    const token = /token \(shown once, store it now; valid 90 days\): (upl_[A-Za-z0-9_-]{43})\n$/.exec(r.stdout)?.[1];
    expect(r.stdout).toMatch(/^staff A-77 \(agent, \+8613700137077\) saved\n/);
    expect(token).toBeDefined();
    const row = await tdb.db.selectFrom('staff').selectAll().where('external_id', '=', 'A-77').executeTakeFirstOrThrow();
    expect(row).toMatchObject({ role: 'agent', mobile: '+8613700137077', locale: 'en' });
    expect(row.token_hash).not.toContain(token!.slice(4));
  });

  it('names the bad option', async () => {
    const r = await runTs('src/cli/index.ts', ['staff', 'add', '--id', 'A-78', '--name', 'X', '--role', 'boss'], env);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^--role: Invalid option: expected one of "agent"\|"marketing"\|"supervisor"\|"admin"\n/);
    const m = await runTs('src/cli/index.ts', ['staff', 'add', '--id', 'A-78', '--name', 'X', '--role', 'agent', '--mobile', '010-12345678'], env);
    expect(m).toMatchObject({ code: 2, stderr: '--mobile: not a mobile number\n' });
  });
});

describe('npm run cli -- staff rotate / disable / list', () => {
  it('rotates a token (the old hash is gone), disables an account (no token, no staff phone) and lists both', async () => {
    const added = await runTs('src/cli/index.ts', ['staff', 'add', '--id', 'A-80', '--name', 'Agent Sun', '--role', 'agent', '--mobile', '13700137080'], env);
    expect(added.code).toBe(0);
    const before = await tdb.db.selectFrom('staff').selectAll().where('external_id', '=', 'A-80').executeTakeFirstOrThrow();
    const rotated = await runTs('src/cli/index.ts', ['staff', 'rotate', '--id', 'A-80'], env);
    expect(rotated.code).toBe(0);
    expect(rotated.stdout).toMatch(
      /^staff A-80: new token issued; the old one no longer works\ntoken \(shown once, store it now; valid 90 days\): upl_[A-Za-z0-9_-]{43}\n$/,
    );
    const after = await tdb.db.selectFrom('staff').selectAll().where('external_id', '=', 'A-80').executeTakeFirstOrThrow();
    expect(after.token_hash).not.toBe(before.token_hash);
    expect(after.token_issued_at!.getTime()).toBeGreaterThanOrEqual(before.token_issued_at!.getTime());

    const disabled = await runTs('src/cli/index.ts', ['staff', 'disable', '--id', 'A-80'], env);
    expect(disabled).toMatchObject({ code: 0, stdout: 'staff A-80 disabled: token removed, phone no longer a staff phone\n' });
    expect(await tdb.db.selectFrom('staff').select(['active', 'token_hash']).where('external_id', '=', 'A-80').executeTakeFirstOrThrow()).toEqual({
      active: false,
      token_hash: null,
    });
    const list = await runTs('src/cli/index.ts', ['staff', 'list'], env);
    expect(list.stdout).toMatch(/^A-80\s+agent\s+disabled\s+last used never$/m);
    expect(list.stdout).toMatch(/^A-77\s+agent\s+token expires \d{4}-\d\d-\d\dT\S+\s+last used never$/m);
  });

  it('refuses an unknown or disabled id, and a missing one', async () => {
    expect(await runTs('src/cli/index.ts', ['staff', 'rotate', '--id', 'A-80'], env)).toMatchObject({ code: 1, stderr: '--id: no active staff member A-80\n' });
    const missing = await runTs('src/cli/index.ts', ['staff', 'disable'], env);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^--id: required\nusage: /);
  });
});

describe('npm run cli -- job / jobs', () => {
  it('runs a job as of a date, lists jobs with their last run, and refuses a bad date or name', async () => {
    const run = await runTs('src/cli/index.ts', ['job', 'payment-reminders', '--date', '2026-11-27'], env);
    expect(run).toMatchObject({ code: 0, stdout: 'payment-reminders: {"queued":0}\n' });
    const list = await runTs('src/cli/index.ts', ['jobs'], env);
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/^payment-reminders\s+0 10 \* \* \*\s+Asia\/Shanghai\s+\S+ ok \{"queued":0\}$/m);
    expect(list.stdout).toMatch(/^birthday-greetings\s+0 \* \* \* \*\s+UTC\s+never run$/m);
    expect(await runTs('src/cli/index.ts', ['job', 'payment-reminders', '--date', '27/11/2026'], env)).toMatchObject({
      code: 2,
      stderr: '--date: expected YYYY-MM-DD, got 27/11/2026\n',
    });
    // --date chooses whose birthday it is; the greeting goes now, not on that date (Zhao Lei's is 20 May).
    const before = new Date();
    expect(await runTs('src/cli/index.ts', ['job', 'birthday-greetings', '--date', '2027-05-20'], env)).toMatchObject({
      code: 0,
      stdout: expect.stringMatching(/"queued":1/),
    });
    const greeting = await tdb.db
      .selectFrom('outbound_messages')
      .select(['not_before', 'dedupe_key'])
      .where('template', '=', 'notice.birthday')
      .executeTakeFirstOrThrow();
    expect(greeting.dedupe_key).toMatch(/^birthday:\d+:2027$/);
    expect(greeting.not_before.getTime()).toBeGreaterThanOrEqual(before.getTime() - 1000);
    expect(greeting.not_before.getTime()).toBeLessThanOrEqual(Date.now());
    const unknown = await runTs('src/cli/index.ts', ['job', 'nope'], env);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/^unknown job nope; jobs: birthday-greetings, renewal-reminders/);
  });
});

describe('npm run sms', () => {
  let t: TestGateway;
  let url: string;
  beforeAll(async () => {
    t = await testGateway();
    url = `http://127.0.0.1:${await t.gw.start(0)}`;
  });
  afterAll(async () => {
    await t.close();
  });

  it('prints the replies as the phone sees them', async () => {
    const r = await runTs('src/cli/sms.ts', ['+16465550123', 'PTS'], { UPLINK_URL: url });
    expect(r).toMatchObject({ code: 0, stdout: '→ +16465550123 [sent]\nYou have 3,150 reward points (as of Nov 27, 2026, 9:30 PM).\n\n' });
  });

  it('says how to start the gateway when none answers, and how to call it without arguments', async () => {
    const r = await runTs('src/cli/sms.ts', ['+16465550123', 'PTS'], { UPLINK_URL: 'http://127.0.0.1:9' });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/cannot reach the gateway at http:\/\/127\.0\.0\.1:9 .*start it with npm start/);
    expect((await runTs('src/cli/sms.ts', [], {})).code).toBe(2);
  });
});
