import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { gatewayRefusals, loadConfig } from '../../../src/config';
import { entropyBits, EXAMPLE_PLACEHOLDERS, SECRET_VARIABLES } from '../../../src/config/production';
import { projectPath } from '../../../src/shared/paths';

/** Secrets as `openssl rand -hex 32` makes them. */
const STRONG = '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08';
const STRONG_2 = '2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae';
const PRODUCTION = { NODE_ENV: 'production', CARD_HASH_SECRET: STRONG, DATABASE_URL: 'postgres://uplink@db.example/uplink' };

/** What `# NAME=value   (comment)` and `NAME=value` lines of .env.example show. */
function exampleValues(): Map<string, string> {
  const text = readFileSync(projectPath('.env.example'), 'utf8');
  return new Map([...text.matchAll(/^#?\s*([A-Z][A-Z0-9_]+)=(\S*)/gm)].map((m) => [m[1], m[2]]));
}

function problems(env: Record<string, string>): string {
  try {
    loadConfig(env);
    return '';
  } catch (err) {
    return (err as Error).message;
  }
}

describe('production secrets', () => {
  const examples = exampleValues();

  it.each(SECRET_VARIABLES.filter((name) => examples.get(name)))('refuses the placeholder .env.example shows for %s', (name) => {
    const value = examples.get(name)!;
    expect(EXAMPLE_PLACEHOLDERS.has(value)).toBe(true);
    const env = { ...PRODUCTION, [name]: value };
    expect(problems(env)).toContain(`${name}: the placeholder of .env.example`);
    // The same value outside production is only an example, not refused.
    expect(problems({ ...env, NODE_ENV: 'development' })).not.toContain('placeholder');
  });

  it.each([
    ['x'.repeat(32), 0],
    ['passwordpasswordpasswordpassword', 22],
    ['aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaab', 7],
    ['0123456789012345678901234567890123', 34],
    ['Summer2026!Summer2026!Summer2026', 36],
  ])('refuses a predictable secret (%s, about %d bits or fewer) for CARD_HASH_SECRET and CARD_SYSTEM_TOKEN', (secret, bits) => {
    expect(Math.round(entropyBits(secret))).toBeLessThanOrEqual(bits);
    expect(problems({ ...PRODUCTION, CARD_HASH_SECRET: secret })).toMatch(/CARD_HASH_SECRET: too predictable \(about \d+ bits\)/);
    expect(problems({ ...PRODUCTION, CARD_SYSTEM_TOKEN: secret })).toMatch(/CARD_SYSTEM_TOKEN: too predictable/);
  });

  it('accepts random secrets: 64 or 32 hex digits, base64', () => {
    expect(entropyBits(STRONG)).toBeGreaterThan(200);
    for (const secret of [STRONG, STRONG.slice(0, 32), 'n4bQgYhMleh8VMzJbV4Ybkq5f0eQ2Qq2eWmQ4b3X9xU=']) {
      expect(problems({ ...PRODUCTION, CARD_HASH_SECRET: secret, CARD_SYSTEM_TOKEN: secret, METRICS_TOKEN: secret })).toBe('');
    }
  });

  it('checks each key being rotated out, and reads them as a list', () => {
    expect(problems({ ...PRODUCTION, CARD_HASH_PREVIOUS_SECRETS: `${STRONG_2},${'y'.repeat(40)}` })).toContain('CARD_HASH_PREVIOUS_SECRETS: too predictable');
    expect(problems({ CARD_HASH_PREVIOUS_SECRETS: 'short' })).toContain('CARD_HASH_PREVIOUS_SECRETS.0: each at least 32 characters');
    expect(loadConfig({ ...PRODUCTION, CARD_HASH_PREVIOUS_SECRETS: ` ${STRONG_2} , ` }).cardHashPreviousSecrets).toEqual([STRONG_2]);
  });

  it('wants an https PUBLIC_BASE_URL in production only', () => {
    expect(problems({ ...PRODUCTION, PUBLIC_BASE_URL: 'http://sms.example-bank.com' })).toContain('PUBLIC_BASE_URL: must be https:// in production');
    expect(problems({ ...PRODUCTION, PUBLIC_BASE_URL: 'https://sms.example-bank.com' })).toBe('');
    expect(problems({ PUBLIC_BASE_URL: 'http://localhost:3000' })).toBe('');
  });
});

describe('gatewayRefusals', () => {
  const smpp = { SMPP_URL: 'smpp://smsc:2775', SMPP_SOURCE_ADDR: '95555' };

  it('refuses the dev channel and a missing operator transport in production, one line each', () => {
    expect(gatewayRefusals(loadConfig({ ...PRODUCTION, ...smpp, DEV_CHANNEL: 'true' }))).toEqual([
      'DEV_CHANNEL: the dev channel (POST /dev/sms) answers any number without authentication; it cannot be on in production',
    ]);
    expect(gatewayRefusals(loadConfig(PRODUCTION))).toEqual([expect.stringMatching(/^no operator transport: set SMPP_URL or TWILIO_ACCOUNT_SID/)]);
    expect(gatewayRefusals(loadConfig({ ...PRODUCTION, ...smpp }))).toEqual([]);
    expect(gatewayRefusals(loadConfig({ DEV_CHANNEL: 'true' }))).toEqual([]);
  });
});

describe('TRUSTED_PROXIES, METRICS_TOKEN, SMPP_TLS_CA and the new limits', () => {
  it('reads trusted proxies as addresses, subnets or named subnets', () => {
    expect(loadConfig({ TRUSTED_PROXIES: 'loopback, 10.0.0.0/8,2001:db8::/32,192.168.1.7' }).trustedProxies).toEqual([
      'loopback',
      '10.0.0.0/8',
      '2001:db8::/32',
      '192.168.1.7',
    ]);
    expect(loadConfig({}).trustedProxies).toEqual([]);
    expect(problems({ TRUSTED_PROXIES: 'true' })).toContain('TRUSTED_PROXIES: true: expected an IP address, a CIDR subnet or loopback/linklocal/uniquelocal');
    expect(problems({ TRUSTED_PROXIES: '10.0.0.0/33' })).toContain('TRUSTED_PROXIES: 10.0.0.0/33: bad prefix length');
  });

  it('reads the CA of smpps:// from a file, and says when it cannot', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'uplink-ca-'));
    const pem = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
    writeFileSync(path.join(dir, 'ca.pem'), pem);
    writeFileSync(path.join(dir, 'not.pem'), 'hello');
    const c = loadConfig({ SMPP_URL: 'smpps://smsc:3550', SMPP_SOURCE_ADDR: '95555', SMPP_TLS_CA: path.join(dir, 'ca.pem') });
    expect(c.smpp).toMatchObject({ tls: true, tlsCa: pem });
    expect(loadConfig({ SMPP_URL: 'smpp://smsc:2775', SMPP_SOURCE_ADDR: '95555' }).smpp).toMatchObject({ tls: false, tlsCa: undefined });
    expect(problems({ SMPP_TLS_CA: path.join(dir, 'nope.pem') })).toContain(`SMPP_TLS_CA: ${path.join(dir, 'nope.pem')}: cannot read (ENOENT)`);
    expect(problems({ SMPP_TLS_CA: path.join(dir, 'not.pem') })).toContain('no PEM certificate in it');
  });

  it('bounds the budgets and sizes', () => {
    const c = loadConfig({});
    expect([c.repliesPerNumberPerDay, c.unknownSenderRepliesPerMinute, c.maxSegmentsPerMessage, c.messageRetentionDays, c.staffTokenDays]).toEqual([
      50, 60, 10, 180, 90,
    ]);
    expect(problems({ MAX_SEGMENTS_PER_MESSAGE: '256' })).toContain('MAX_SEGMENTS_PER_MESSAGE');
    expect(problems({ METRICS_TOKEN: 'short' })).toContain('METRICS_TOKEN: at least 32 characters');
  });
});
