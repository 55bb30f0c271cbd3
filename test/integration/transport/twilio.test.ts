import twilio from 'twilio';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { waitFor } from '../../helpers/wait';
import { FakeTwilio } from '../../helpers/fake-twilio';
import { testGateway, type TestGateway } from '../../helpers/gateway';

const TOKEN = 'twilio-auth-token-for-tests';
const PUBLIC = 'https://sms.bank.example';
const JOHN = '+16465550123';
let t: TestGateway;
let base: string;
const fake = new FakeTwilio();

beforeAll(async () => {
  await fake.start();
  t = await testGateway({
    env: {
      TWILIO_ACCOUNT_SID: 'AC00000000000000000000000000000001',
      TWILIO_AUTH_TOKEN: TOKEN,
      TWILIO_FROM: '+18005550100',
      TWILIO_API_URL: fake.url,
      PUBLIC_BASE_URL: `${PUBLIC}/`,
    },
  });
  base = `http://127.0.0.1:${await t.gw.start(0)}`;
});
afterAll(async () => {
  await t.close();
  await fake.stop();
});
beforeEach(() => {
  fake.messages.length = 0;
});

/** Posts a form as Twilio would, signed for the public URL (or as told). */
async function post(
  path: string,
  params: Record<string, string>,
  sign: { url?: string; token?: string; skip?: boolean; tamper?: Record<string, string> } = {},
) {
  const signature = twilio.getExpectedTwilioSignature(sign.token ?? TOKEN, sign.url ?? `${PUBLIC}${path}`, params);
  const res = await fetch(`${base}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...(sign.skip ? {} : { 'x-twilio-signature': signature }) },
    body: new URLSearchParams({ ...params, ...sign.tamper }).toString(),
  });
  return { status: res.status, type: res.headers.get('content-type') ?? '', text: await res.text() };
}

const sms = (sid: string, body: string, from = JOHN) => ({
  MessageSid: sid,
  AccountSid: 'AC00000000000000000000000000000001',
  From: from,
  To: '+18005550100',
  Body: body,
  NumSegments: '1',
});

/** Waits until every text is processed and every reply settled; fails the test if they never are. */
async function settle() {
  // Inbound first: a text's replies commit with its "processed" mark, so once it reads processed
  // the replies are visible to the next query.
  await waitFor('every text handled and every reply settled', async () => {
    const pending = await t.tdb.db.selectFrom('inbound_messages').select('id').where('status', '=', 'received').execute();
    const busy = await t.tdb.db.selectFrom('outbound_messages').select('id').where('status', 'in', ['queued', 'sending']).execute();
    return busy.length === 0 && pending.length === 0;
  });
}

describe('inbound webhook', () => {
  it('answers a signed BAL at once with empty TwiML and the reply goes out through the Twilio API', async () => {
    const r = await post('/webhooks/twilio/sms', sms('SMin0001', 'BAL'));
    expect(r).toMatchObject({ status: 200, text: '<?xml version="1.0" encoding="UTF-8"?><Response/>' });
    expect(r.type).toMatch(/text\/xml/);
    await settle();
    expect(fake.messages).toEqual([
      {
        account: 'AC00000000000000000000000000000001',
        params: expect.objectContaining({
          To: JOHN,
          From: '+18005550100',
          StatusCallback: `${PUBLIC}/webhooks/twilio/status`,
          Body: expect.stringMatching(/^As of .*\nCard \*\*\*\*7891: balance \$812\.40/),
        }),
      },
    ]);
    const out = await t.tdb.db.selectFrom('outbound_messages').select(['status', 'channel', 'provider_id']).orderBy('id', 'desc').executeTakeFirstOrThrow();
    expect(out).toEqual({ status: 'sent', channel: 'twilio', provider_id: 'SM00000000000000000000000000000001' });
  });

  it('processes a retried MessageSid once', async () => {
    await post('/webhooks/twilio/sms', sms('SMin0002', 'PTS'));
    await post('/webhooks/twilio/sms', sms('SMin0002', 'PTS'));
    await settle();
    expect(fake.messages).toHaveLength(1);
    expect(await t.tdb.db.selectFrom('inbound_messages').select('id').where('provider_id', '=', 'SMin0002').execute()).toHaveLength(1);
  });

  it.each([
    ['a missing signature', { skip: true }],
    ['a tampered parameter', { tamper: { Body: 'BAL 1234' } }],
    ['a signature for another URL', { url: 'https://evil.example/webhooks/twilio/sms' }],
    ['a signature with another token', { token: 'not-the-token' }],
  ])('refuses %s with 403 and records nothing', async (_name, sign) => {
    const r = await post('/webhooks/twilio/sms', sms('SMbad0001', 'LOST'), sign);
    expect(r.status).toBe(403);
    expect(await t.tdb.db.selectFrom('inbound_messages').select('id').where('provider_id', '=', 'SMbad0001').execute()).toEqual([]);
  });

  it('accepts a signature over the public URL with the default port spelled out (behind a proxy)', async () => {
    const r = await post('/webhooks/twilio/sms', sms('SMin0003', 'HELP'), { url: `${PUBLIC}:443/webhooks/twilio/sms` });
    expect(r.status).toBe(200);
  });
});

describe('status callbacks', () => {
  it('apply monotonically: out of order and repeated callbacks are harmless; unknown sids get 200', async () => {
    await post('/webhooks/twilio/sms', sms('SMin0004', 'PTS'));
    await settle();
    const row = await t.tdb.db.selectFrom('outbound_messages').select(['id', 'provider_id']).orderBy('id', 'desc').executeTakeFirstOrThrow();
    const status = (s: string, extra: Record<string, string> = {}) =>
      post('/webhooks/twilio/status', { MessageSid: row.provider_id!, MessageStatus: s, ...extra });
    expect((await status('delivered')).status).toBe(200);
    expect((await status('sent')).status).toBe(200);
    expect((await status('delivered')).status).toBe(200);
    expect((await status('failed', { ErrorCode: '30008' })).status).toBe(200);
    const after = await t.tdb.db.selectFrom('outbound_messages').select('status').where('id', '=', row.id).executeTakeFirstOrThrow();
    expect(after.status).toBe('delivered');
    expect((await post('/webhooks/twilio/status', { MessageSid: 'SMunknown', MessageStatus: 'delivered' })).status).toBe(200);
    expect((await post('/webhooks/twilio/status', { MessageSid: row.provider_id!, MessageStatus: 'delivered' }, { skip: true })).status).toBe(403);
  });
});

describe('Twilio errors', () => {
  it('21610: never retried, the number is marked unreachable on this route', async () => {
    fake.errors.push({ status: 400, code: 21610, message: 'Attempt to send to unsubscribed recipient' });
    await post('/webhooks/twilio/sms', sms('SMin0005', 'PTS'));
    await settle();
    const out = await t.tdb.db.selectFrom('outbound_messages').select(['status', 'last_error', 'attempts']).orderBy('id', 'desc').executeTakeFirstOrThrow();
    expect(out).toEqual({ status: 'failed', attempts: 1, last_error: 'opted_out 21610: Attempt to send to unsubscribed recipient' });
    expect(await t.tdb.db.selectFrom('route_blocks').select(['to_number', 'channel']).execute()).toEqual([{ to_number: JOHN, channel: 'twilio' }]);
    expect(fake.messages).toHaveLength(0);
  });

  it('429: retried later', async () => {
    await t.tdb.db.deleteFrom('route_blocks').execute();
    fake.errors.push({ status: 429, code: 20429, message: 'Too Many Requests' });
    await post('/webhooks/twilio/sms', sms('SMin0006', 'PTS'));
    const latest = () => t.tdb.db.selectFrom('outbound_messages').select(['status', 'last_error', 'attempts']).orderBy('id', 'desc').executeTakeFirst();
    await waitFor('the reply refused with 429', async () => Boolean((await latest())?.last_error?.startsWith('throttled')));
    const out = await t.tdb.db.selectFrom('outbound_messages').select(['status', 'last_error', 'attempts']).orderBy('id', 'desc').executeTakeFirstOrThrow();
    expect(out).toMatchObject({ status: 'queued', attempts: 0, last_error: 'throttled 20429: Too Many Requests' });
  });
});

describe('malformed webhook input', () => {
  it('refuses a signed webhook with a parameter given twice (400 naming it) and still records the texts beside it', async () => {
    const params = { ...sms('SMdup0001', 'PTS'), Body: ['PTS', 'BAL'] } as unknown as Record<string, string>;
    const signature = twilio.getExpectedTwilioSignature(TOKEN, `${PUBLIC}/webhooks/twilio/sms`, params);
    const form = new URLSearchParams(Object.entries(params).flatMap(([k, v]) => (Array.isArray(v) ? v.map((x) => [k, x]) : [[k, v]])) as [string, string][]);
    const bad = fetch(`${base}/webhooks/twilio/sms`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature },
      body: form.toString(),
    });
    const good = ['SMok0001', 'SMok0002', 'SMok0003'].map((sid) => post('/webhooks/twilio/sms', sms(sid, 'PTS')));
    const [refused, ...accepted] = await Promise.all([bad, ...good]);
    expect(refused.status).toBe(400);
    expect(await refused.json()).toMatchObject({ title: 'Invalid request', errors: [{ path: 'Body', message: expect.stringMatching(/expected string/) }] });
    expect(accepted.map((r) => r.status)).toEqual([200, 200, 200]);
    const recorded = await t.tdb.db
      .selectFrom('inbound_messages')
      .select('provider_id')
      .where('provider_id', 'in', ['SMok0001', 'SMok0002', 'SMok0003', 'SMdup0001'])
      .execute();
    expect(recorded.map((r) => r.provider_id).sort()).toEqual(['SMok0001', 'SMok0002', 'SMok0003']);
    await waitFor(
      'the three handled',
      async () =>
        (await t.tdb.db.selectFrom('inbound_messages').select('id').where('provider_id', 'like', 'SMok%').where('status', '=', 'processed').execute())
          .length === 3,
    );
  });

  it('refuses a status callback without its MessageStatus, naming it', async () => {
    const r = await post('/webhooks/twilio/status', { MessageSid: 'SM00000000000000000000000000000009', AccountSid: 'AC00000000000000000000000000000001' });
    expect(r.status).toBe(400);
    expect(JSON.parse(r.text)).toMatchObject({ errors: [{ path: 'MessageStatus' }] });
  });
});
