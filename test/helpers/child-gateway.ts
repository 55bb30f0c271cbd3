import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import twilio from 'twilio';
import { freePort } from '../../src/shared/net';
import type { SmscSimulator } from '../../src/transport/smpp/simulator';
import type { FakeTwilio } from './fake-twilio';
import { TEST_SECRET } from './gateway';
import { waitFor } from './wait';

/** The Twilio auth token child gateways are started with (webhooks are signed with it). */
export const CHILD_TWILIO_TOKEN = 'child-gateway-auth-token';

/** A gateway started as `npm start` starts it, in a child process. */
export interface ChildGateway {
  child: ChildProcess;
  base: string;
  /** Everything it printed (pino lines and the banner). */
  log: string[];
  /** Resolves with its exit code once it has exited. */
  exited: Promise<number | null>;
}

/**
 * Starts `src/main.ts` as a child process on `databaseUrl`, with Twilio (`fake`) and an SMSC (`sim`)
 * on loopback, and waits until /readyz says ready and the SMSC sees it bound. The per-number
 * limits are raised (tests send many texts from few numbers); `env` adds or overrides variables.
 */
export async function startChildGateway(databaseUrl: string, fake: FakeTwilio, sim: SmscSimulator, env: Record<string, string> = {}): Promise<ChildGateway> {
  const port = await freePort();
  const log: string[] = [];
  const boundBefore = sim.sessions;
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    env: {
      ...process.env,
      NODE_ENV: 'development',
      LOG_LEVEL: 'info',
      PORT: String(port),
      DATABASE_URL: databaseUrl,
      DATA_DIR: mkdtempSync(path.join(os.tmpdir(), 'uplink-child-')),
      CARD_HASH_SECRET: TEST_SECRET,
      TWILIO_ACCOUNT_SID: 'AC00000000000000000000000000000001',
      TWILIO_AUTH_TOKEN: CHILD_TWILIO_TOKEN,
      TWILIO_FROM: '+18005550100',
      TWILIO_API_URL: fake.url,
      PUBLIC_BASE_URL: `http://127.0.0.1:${port}`,
      SMPP_URL: `smpp://127.0.0.1:${sim.port}`,
      SMPP_SOURCE_ADDR: '95555',
      RATE_LIMIT_PER_MINUTE: '1000',
      DESTINATION_MAX_PER_MINUTE: '1000',
      REPLIES_PER_NUMBER_PER_DAY: '100000',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (d) => log.push(String(d)));
  child.stderr!.on('data', (d) => log.push(String(d)));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const base = `http://127.0.0.1:${port}`;
  await waitFor(
    'the gateway ready and bound',
    async () =>
      (await fetch(`${base}/readyz`).then(
        (r) => r.ok,
        () => false,
      )) && sim.sessions > boundBefore,
    60_000,
  );
  return { child, base, log, exited };
}

/** Posts a signed Twilio webhook carrying `text`; resolves with the HTTP status, or 0 when the request itself failed. */
export async function postTwilioText(base: string, sid: string, from: string, text: string): Promise<number> {
  const params = { MessageSid: sid, AccountSid: 'AC00000000000000000000000000000001', From: from, To: '+18005550100', Body: text };
  const signature = twilio.getExpectedTwilioSignature(CHILD_TWILIO_TOKEN, `${base}/webhooks/twilio/sms`, params);
  return fetch(`${base}/webhooks/twilio/sms`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature },
    body: new URLSearchParams(params).toString(),
    signal: AbortSignal.timeout(20_000),
  }).then(
    (r) => r.status,
    () => 0,
  );
}

/** The last lines a child printed, for a failing test's output. */
export function tail(log: string[], lines = 60): string {
  return log.join('').split('\n').slice(-lines).join('\n');
}
