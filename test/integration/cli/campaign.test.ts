import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { addStaff } from '../../../src/domain/staff';
import { addCustomers } from '../../helpers/campaign-data';
import { TEST_SECRET, testGateway, type TestGateway } from '../../helpers/gateway';
import { runTs } from '../../helpers/run';

// Each step starts `npm run cli` (tsx) afresh: several seconds apiece on a busy 2-core machine.
const CLI_STEPS_MS = 240_000;

let t: TestGateway;
let env: Record<string, string>;
const dir = mkdtempSync(path.join(os.tmpdir(), 'uplink-campaign-cli-'));

beforeAll(async () => {
  t = await testGateway();
  env = { DATABASE_URL: t.tdb.url, CARD_HASH_SECRET: TEST_SECRET };
  await addStaff(t.tdb.db, { externalId: 'MK-1', name: 'Maker', role: 'marketing' });
  await addStaff(t.tdb.db, { externalId: 'SV-1', name: 'Checker', role: 'supervisor' });
  await addStaff(t.tdb.db, { externalId: 'AG-1', name: 'Agent', role: 'agent' });
  await addCustomers(t.tdb.db, [
    { id: 'x-1', city: 'Xiamen', locale: 'en', name: 'Xu' },
    { id: 'x-2', city: 'Xiamen', consent: false },
  ]);
});
afterAll(async () => {
  await t.close();
});

const run = (...args: string[]) => runTs('src/cli/index.ts', ['campaign', ...args], env);
const file = (name: string, text: string) => {
  const p = path.join(dir, name);
  writeFileSync(p, text);
  return p;
};

const GOOD = `{
  "name": "Spring offer",
  "purpose": "Double points in Xiamen",
  "messages": { "en": "Hi {name}, double points this week" },
  "audience": { "cities": ["Xiamen"] },
  "schedule": { "kind": "cron", "cron": "0 10 * * 1", "timeZone": "Asia/Shanghai" }
}
`;

describe('npm run cli -- campaign', () => {
  it(
    'creates, counts, previews, refuses self-approval, approves and lists',
    async () => {
      const created = await run('create', file('good.json', GOOD), '--by', 'MK-1');
      expect(created).toMatchObject({ code: 0, stderr: '' });
      const id = String(JSON.parse(created.stdout).id);
      const audience = JSON.parse((await run('audience', id)).stdout);
      expect(audience).toMatchObject({ count: 1, excluded: { no_consent: 1 } });
      const preview = JSON.parse((await run('preview', id)).stdout);
      expect(preview.languages[0]).toMatchObject({ text: 'Hi Xu, double points this week\nReply STOP to opt out', encoding: 'GSM-7', segments: 1 });
      expect(await run('approve', id, '--by', 'MK-1')).toMatchObject({ code: 1, stderr: 'A campaign is approved by someone other than its author\n' });
      expect(await run('approve', id, '--by', 'AG-1')).toMatchObject({ code: 2, stderr: '--by: AG-1 is no active marketing or supervisor staff member\n' });
      const approved = await run('approve', id, '--by', 'SV-1');
      expect(JSON.parse(approved.stdout)).toMatchObject({ status: 'approved', approvedVersion: 1 });
      const list = await run('list', '--status', 'approved');
      expect(list.stdout).toMatch(new RegExp(`^\\s*${id}  approved\\s+v1  \\S+Z  Spring offer\\n$`));
      const report = await run('report', id, '--csv');
      expect(report.stdout.split('\n')[0]).toBe('metric,value');
    },
    CLI_STEPS_MS,
  );

  it(
    'names the line and field of each problem in a campaign file',
    async () => {
      const bad = GOOD.replace('"Hi {name}, double points this week"', '"Hi {nickname}"').replace('"0 10 * * 1"', '"every monday"');
      const r = await run('create', file('bad.json', bad), '--by', 'MK-1');
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(`bad.json line 4, messages.en: unknown field {nickname}`);
      expect(r.stderr).toContain(`bad.json line 6, schedule.cron: a cron expression of five fields`);
      const broken = await run('create', file('broken.json', GOOD.replace('"Spring offer",', '"Spring offer"')), '--by', 'MK-1');
      expect(broken).toMatchObject({ code: 2 });
      expect(broken.stderr).toMatch(/broken\.json line 3: unexpected .*, expected ',' or '}'\n$/);
      expect((await run('show', 'abc')).stderr).toMatch(/^campaign id: expected a positive number, got abc/);
      expect((await run('create', file('x.json', GOOD))).stderr).toMatch(/^--by: the staff id/);
    },
    CLI_STEPS_MS,
  );
});
