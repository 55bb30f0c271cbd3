import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { SmscSimulator } from '../../../src/transport/smpp/simulator';
import { freshDatabase, type TestDatabase } from '../../helpers/db';
import { runTs, startTs } from '../../helpers/run';

// `npm start` (src/main.ts) as a child process, in production and outside it.

/** Secrets as `openssl rand -hex 32` makes them. */
const SECRET = '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08';
const TOKEN = '2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae';

let smsc: SmscSimulator;
let production: Record<string, string>;

beforeAll(async () => {
  smsc = new SmscSimulator();
  const port = await smsc.start();
  production = {
    NODE_ENV: 'production',
    CARD_HASH_SECRET: SECRET,
    SMPP_URL: `smpp://127.0.0.1:${port}`,
    SMPP_SOURCE_ADDR: '95555',
    DATA_DIR: '/nonexistent/uplink-must-not-be-touched',
    DATABASE_URL: 'postgres://nobody@127.0.0.1:1/never-reached',
    PORT: '0',
  };
});
afterAll(async () => {
  await smsc.stop();
});

describe('a production start is refused, exit non-zero with one line saying why', () => {
  it.each([
    [
      'the dev channel on',
      { DEV_CHANNEL: 'true' },
      /^uplink failed to start: DEV_CHANNEL: the dev channel \(POST \/dev\/sms\) answers any number without authentication/,
    ],
    ['no operator transport', { SMPP_URL: '', SMPP_SOURCE_ADDR: '' }, /^uplink failed to start: no operator transport: set SMPP_URL or TWILIO_ACCOUNT_SID/],
    [
      'no PostgreSQL server (the embedded one is for trying it out)',
      { DATABASE_URL: '' },
      /^uplink failed to start: DATABASE_URL: production runs on a PostgreSQL server/,
    ],
    [
      'the placeholder secret of .env.example',
      { CARD_HASH_SECRET: 'at-least-32-random-characters-required-in-production' },
      /^uplink failed to start: CARD_HASH_SECRET: the placeholder of \.env\.example/,
    ],
    ['a predictable card-system token', { CARD_SYSTEM_TOKEN: 'x'.repeat(40) }, /^uplink failed to start: CARD_SYSTEM_TOKEN: too predictable \(about 0 bits\)/],
    [
      'a plain-http public URL',
      { PUBLIC_BASE_URL: 'http://sms.example-bank.com' },
      /^uplink failed to start: PUBLIC_BASE_URL: must be https:\/\/ in production/,
    ],
  ])('%s', async (_what, env, line) => {
    const r = await runTs('src/main.ts', [], { ...production, ...env });
    expect(r.code).not.toBe(0);
    expect(r.code).not.toBeNull();
    const lines = r.stderr.split('\n').filter(Boolean);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(line);
    expect(r.stdout).toBe('');
  });
});

describe('demo data', () => {
  let tdb: TestDatabase;
  beforeAll(async () => {
    tdb = await freshDatabase();
  });
  afterAll(async () => {
    await tdb.drop();
  });

  it('is never loaded in production: an empty database stays empty, the dev channel is off, the log says how to import', async () => {
    const gateway = await startTs('src/main.ts', { ...production, DATABASE_URL: tdb.url, CARD_SYSTEM_TOKEN: TOKEN, LOG_LEVEL: 'info' }, /uplink started/);
    try {
      const started = JSON.parse(
        gateway
          .stdout()
          .split('\n')
          .find((l) => l.includes('uplink started'))!,
      ) as { port: number; demo: boolean };
      expect(started.demo).toBe(false);
      expect(gateway.stdout()).toContain('no customers yet: load them with npm run cli -- import <file.json>');
      expect(await tdb.db.selectFrom('customers').select('id').execute()).toEqual([]);
      expect(await tdb.db.selectFrom('staff').select('id').execute()).toEqual([]);
      const dev = await fetch(`http://127.0.0.1:${started.port}/dev/sms`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ from: '13800138000', text: 'BAL' }),
      });
      expect(dev.status).toBe(404);
    } finally {
      expect(await gateway.stop()).toBe(0);
    }
  });

  it('is loaded into an empty database outside production, and the log says so', async () => {
    const other = await freshDatabase();
    try {
      const gateway = await startTs(
        'src/main.ts',
        { NODE_ENV: 'development', DATABASE_URL: other.url, CARD_HASH_SECRET: SECRET, PORT: '0', LOG_LEVEL: 'info', SCHEDULER: 'false' },
        /uplink started/,
      );
      await gateway.stop();
      expect(gateway.stdout()).toMatch(
        /"level":40.*the database was empty: demo customers, cards, an event and an agent phone were loaded \(never in production\)/,
      );
      expect((await other.db.selectFrom('customers').select('id').execute()).length).toBeGreaterThan(0);
    } finally {
      await other.drop();
    }
  });
});
