import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { testGateway, type TestGateway } from '../../helpers/gateway';

let t: TestGateway;
let base: string;

beforeAll(async () => {
  t = await testGateway();
  const port = await t.gw.start(0);
  base = `http://127.0.0.1:${port}`;
});
afterAll(async () => {
  await t.close();
});

const post = (path: string, body: string, type = 'application/json') => fetch(`${base}${path}`, { method: 'POST', headers: { 'content-type': type }, body });

describe('POST /dev/sms', () => {
  it('runs a text through the pipeline and returns the replies once sent', async () => {
    const res = await post('/dev/sms', JSON.stringify({ from: '+16465550123', text: 'BAL' }));
    expect(res.status).toBe(200);
    const body = (await res.json()) as any;
    expect(body.duplicate).toBe(false);
    expect(body.replies).toEqual([
      expect.objectContaining({
        to: '+16465550123',
        status: 'sent',
        class: 'transactional',
        body: expect.stringMatching(/^As of .*\nCard \*\*\*\*7891: balance \$812\.40/),
      }),
    ]);
    expect(t.gw.dev.delivered.at(-1)?.body).toBe(body.replies[0].body);
  });

  it('answers a repeated id as a duplicate without a second reply', async () => {
    const once: any = await (await post('/dev/sms', JSON.stringify({ from: '13800138000', text: 'PTS', id: 'same' }))).json();
    const twice: any = await (await post('/dev/sms', JSON.stringify({ from: '13800138000', text: 'PTS', id: 'same' }))).json();
    expect(twice.duplicate).toBe(true);
    expect(twice.replies).toEqual(once.replies);
  });

  it.each([
    ['{}', ['from: Invalid input: expected string, received undefined', 'text: Invalid input: expected string, received undefined']],
    [JSON.stringify({ from: '', text: 'BAL' }), ['from: Too small: expected string to have >=1 characters']],
    [JSON.stringify({ from: '1', text: 'BAL', extra: 1 }), ['(document): Unrecognized key: "extra"']],
  ])('refuses body %s with problem+json naming each field', async (raw, errors) => {
    const res = await post('/dev/sms', raw);
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toMatch(/application\/problem\+json/);
    const body = (await res.json()) as any;
    expect(body.title).toBe('Invalid request');
    expect(body.errors.map((e: { path: string; message: string }) => `${e.path}: ${e.message}`)).toEqual(errors);
  });

  it('refuses a body that is not JSON', async () => {
    const res = await post('/dev/sms', '{"from": ');
    expect(res.status).toBe(400);
    expect(((await res.json()) as any).title).toBe('Body is not valid JSON');
  });
});

describe('health and metrics', () => {
  it('answers /healthz, /readyz and /metrics', async () => {
    expect(await (await fetch(`${base}/healthz`)).json()).toEqual({ status: 'ok' });
    expect(await (await fetch(`${base}/readyz`)).json()).toEqual({ status: 'ready', database: 'ok', migrations: 'current', transports: {} });
    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).toMatch(/^uplink_outbound_total\{channel="dev",class="transactional",status="sent"\} [1-9]\d*$/m);
    expect(metrics).toMatch(/^uplink_inbound_total\{channel="dev",command="points"\} [1-9]\d*$/m);
  });

  it('answers unknown paths with a 404 problem', async () => {
    const res = await fetch(`${base}/nope`);
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toMatch(/problem\+json/);
  });
});
