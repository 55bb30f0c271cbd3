import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { SmppTransport } from '../../../src/transport/smpp/smpp.transport';
import type { InboundText } from '../../../src/transport/types';
import { waitFor } from '../../helpers/wait';

let child: ChildProcessWithoutNullStreams;
let stdout = '';
let smppPort = 0;
let injectUrl = '';

/** `npm run smsc` on any free ports, as a developer runs it. */
beforeAll(async () => {
  child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/smsc.ts'], { env: { ...process.env, SMPP_SIM_PORT: '0' } });
  child.stdout.on('data', (d) => (stdout += d));
  await waitFor('the banner', () => /SMPP on 127\.0\.0\.1:\d+/.test(stdout), 20_000);
  smppPort = Number(/SMPP on 127\.0\.0\.1:(\d+)/.exec(stdout)![1]);
  injectUrl = /POST (http:\S+\/inject)/.exec(stdout)![1];
});
afterAll(() => {
  child.kill('SIGTERM');
});

const post = async (body: string, init: RequestInit = {}) => {
  const res = await fetch(injectUrl, { method: 'POST', body, ...init });
  return { status: res.status, body: await res.json() };
};

describe('npm run smsc', () => {
  it('answers 503 while no gateway is bound to receive', async () => {
    expect(await post('{"from":"+8613800138000","text":"BAL"}')).toEqual({ status: 503, body: { error: 'no ESME bound to receive' } });
  });

  it('refuses a bad request with a precise error', async () => {
    expect(await post('{"from":')).toMatchObject({ status: 400, body: { error: expect.stringMatching(/^\(body\): not JSON: /) } });
    expect(await post('{"from":"138-0013-8000","text":""}')).toMatchObject({
      status: 400,
      body: {
        errors: [
          { path: 'from', message: 'expected 1–20 digits or letters, optionally after a +' },
          { path: 'text', message: 'must not be empty' },
        ],
      },
    });
    expect(await post('x'.repeat(70_000))).toEqual({ status: 413, body: { error: 'body larger than 65536 bytes' } });
    expect(await fetch(injectUrl).then((r) => r.status)).toBe(405);
    expect(await fetch(injectUrl.replace('/inject', '/send'), { method: 'POST', body: '{}' }).then((r) => r.status)).toBe(404);
  });

  it('injects texts from HTTP and from its prompt into a bound gateway, and logs its submits', async () => {
    const got: InboundText[] = [];
    const esme = new SmppTransport({ host: '127.0.0.1', port: smppPort, systemId: 'uplink', password: 'pw', sender: { addr: '95555' } });
    await esme.start({ inbound: async (sms) => void got.push(sms), inboundPart: async () => {}, report: async () => 'applied' });
    try {
      expect(await post('{"from":"+8613800138000","text":"余额"}')).toEqual({ status: 200, body: { statuses: [0] } });
      child.stdin.write('+16465550123 LANG zh-TW\n');
      child.stdin.write('+16465550123\n'); // no text: refused at the prompt, the simulator carries on
      await waitFor('both texts', () => got.length === 2);
      expect(got.map(({ from, to, text }) => ({ from, to, text }))).toEqual([
        { from: '+8613800138000', to: '95555', text: '余额' },
        { from: '+16465550123', to: '95555', text: 'LANG zh-TW' },
      ]);
      await waitFor('the refusal', () => stdout.includes('not injected: text: type "<from> <text>"'));
      await esme.send({ id: 1, to: '+8613800138000', body: '您的余额', class: 'service', tier: null });
      await waitFor('the submit logged', () => / submit [0-9A-F]+ 95555 → 8613800138000 \[dc 8\] 您的余额/.test(stdout));
      expect(stdout).toContain('bind bind_transceiver uplink v0x34');
    } finally {
      await esme.stop();
    }
  });
});
