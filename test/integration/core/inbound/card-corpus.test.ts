import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { sql } from 'kysely';
import { addStaff } from '../../../../src/domain/staff';
import { MASKING_TABLE } from '../../../fixtures/card-forms';
import { GOLF_EVENT } from '../../../fixtures/event';
import { testGateway, type TestGateway } from '../../../helpers/gateway';
import { captureLog, type CapturedLog } from '../../../helpers/log';

// Card numbers in every form a person types them, through every door free text comes in by; what
// PostgreSQL holds and what the log holds afterwards must show none of them in clear.

/** The card numbers used below: the part of each that must never be seen is all but its last 4 digits. */
const CARDS = ['4111111111111111', '6225880012345675', '378282246310005', '4222222222222', '6011000990139424', '4000056655665556', '6250941006528599011'];
const TOKEN = '2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae';

/** More forms than the masking table's: in commands, with words around, several at once. */
const MORE = [
  'BAL 4111111111111111',
  '挂失 4111-1111-1111-1111',
  'LOST 4111 1111 1111 1111 1225 please',
  'my card 6011 0009 9013 9424 exp 12/25',
  'card: 4000 0566 5566 5556, cvv 321',
  '卡号６２２５\u3000８８００\u3000１２３４\u3000５６７５ 谢谢',
  'two: 4111111111111111 / 6225880012345675',
  '4111 1111\n1111 1111',
  '4111 \u2013 1111 \u2013 1111 \u2013 1111',
  'ref 99 378282246310005',
];

/** A text's decimal digits (any script) as ASCII, in order; everything else dropped. */
function digitsOf(text: string): string {
  let out = '';
  for (const ch of text) {
    if (!/\p{Nd}/u.test(ch)) continue;
    let zero = ch.codePointAt(0)!;
    while (/\p{Nd}/u.test(String.fromCodePoint(zero - 1))) zero--;
    out += String((ch.codePointAt(0)! - zero) % 10);
  }
  return out;
}

/** The cards whose hidden part appears in a value (every string inside it checked on its own). */
function exposed(value: unknown): string[] {
  if (typeof value === 'string') {
    const digits = digitsOf(value);
    return CARDS.filter((c) => digits.includes(c.slice(0, -4)));
  }
  if (value && typeof value === 'object') return Object.values(value).flatMap(exposed);
  return [];
}

let t: TestGateway;
let base: string;
let captured: CapturedLog;
let agentToken: string;

beforeAll(async () => {
  // Debug level outside production: texts are logged (masked), so the log is worth reading.
  captured = captureLog('debug', 'development');
  t = await testGateway({ log: captured.log, env: { CARD_SYSTEM_TOKEN: TOKEN } });
  base = `http://127.0.0.1:${await t.gw.start(0)}`;
  agentToken = (await addStaff(t.tdb.db, { externalId: 'T-agent', name: 'Test agent', role: 'supervisor', locale: 'en' }, t.clock.now())).token;
});
afterAll(async () => {
  await t.close();
});

async function post(path: string, body: unknown, token?: string) {
  const res = await fetch(`${base}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as any };
}

describe('card numbers in any form', () => {
  const forms = [...MASKING_TABLE.filter(([input, masked]) => input !== masked).map(([input]) => input), ...MORE];

  it('are masked in inbound_messages as the table says, sent by new users through POST /dev/sms', async () => {
    for (const [i, text] of forms.entries()) {
      const r = await post('/dev/sms', { from: `+861390013${String(9000 + i)}`, text });
      expect(r.status).toBe(200);
      expect(exposed(r.body.replies)).toEqual([]);
    }
    const { rows } = await sql<{ text: string }>`SELECT text FROM inbound_messages ORDER BY id`.execute(t.tdb.db);
    expect(rows).toHaveLength(forms.length);
    const stored = new Map(rows.map((r, i) => [forms[i], r.text]));
    for (const [input, masked] of MASKING_TABLE) if (input !== masked) expect({ input, stored: stored.get(input) }).toEqual({ input, stored: masked });
    for (const text of MORE) expect({ text, exposed: exposed(stored.get(text)) }).toEqual({ text, exposed: [] });
    expect(stored.get('卡号６２２５\u3000８８００\u3000１２３４\u3000５６７５ 谢谢')).toBe('卡号****\u3000****\u3000****\u3000５６７５ 谢谢');
  });

  it('are masked in every other free text: case notes and outcomes, decline reasons (API and SMS), events, merchants, audit details', async () => {
    // A decline reason from the staff API and one typed by the agent's phone.
    const refOf = async (from: string) => /(\d{6})/.exec((await t.sms(from, 'JOIN HC2026'))[0])![1];
    const apiRef = await refOf('+8613800138000');
    expect((await post(`/api/registrations/${apiRef}/decline`, { reason: 'card 4111 1111 1111 1111 was declined' }, agentToken)).status).toBe(200);
    const smsRef = await refOf('+85291234567');
    expect(await t.sms('+8613700137000', `NO ${smsRef} 卡号 6225-8800-1234-5675 有误`)).toHaveLength(1);
    // A case: its note and outcome.
    await t.sms('+16465550123', 'CLOSE');
    const [c] = await t.tdb.db.selectFrom('cases').select('ref').execute();
    expect((await post(`/api/cases/${c.ref}/notes`, { note: 'customer read out 4000 0566 5566 5556 1225 on the call' }, agentToken)).status).toBe(200);
    expect((await post(`/api/cases/${c.ref}/resolve`, { outcome: 'kept card 6011-0009-9013-9424' }, agentToken)).status).toBe(200);
    // An event whose title and venue hold numbers, and a merchant name from the card system.
    const event = {
      ...GOLF_EVENT,
      code: 'PAN27',
      title: { en: 'Gala 4111 1111 1111 1111', 'zh-CN': '晚宴4111111111111111', 'zh-HK': '晚宴 4111.1111.1111.1111' },
      venue: 'Hall 6225 8800 1234 5675',
    };
    expect((await post('/api/events', event, agentToken)).status).toBe(201);
    const tx = {
      transactionId: 'TX-PAN',
      cardId: 'K-1001',
      amount: 60000,
      currency: 'CNY',
      merchant: 'SHOP 4111111111111111 SH',
      occurredAt: '2026-11-28T10:00:00+08:00',
    };
    expect((await post('/api/transactions', tx, TOKEN)).status).toBe(201);

    const one = async <T>(q: Promise<T | undefined>) => (await q)!;
    expect(await one(t.tdb.db.selectFrom('registrations').select('reason').where('ref', '=', apiRef).executeTakeFirst())).toEqual({
      reason: 'card **** **** **** 1111 was declined',
    });
    expect(await one(t.tdb.db.selectFrom('registrations').select('reason').where('ref', '=', smsRef).executeTakeFirst())).toEqual({
      reason: '卡号 ****-****-****-5675 有误',
    });
    expect(await t.tdb.db.selectFrom('case_notes').select('note').execute()).toEqual([{ note: 'customer read out **** **** **** 5556 **** on the call' }]);
    expect(await one(t.tdb.db.selectFrom('cases').select('outcome').executeTakeFirst())).toEqual({ outcome: 'kept card ****-****-****-9424' });
    expect(await one(t.tdb.db.selectFrom('events').select(['title', 'venue']).where('code', '=', 'PAN27').executeTakeFirst())).toEqual({
      title: { en: 'Gala **** **** **** 1111', 'zh-CN': '晚宴************1111', 'zh-HK': '晚宴 ****.****.****.1111' },
      venue: 'Hall **** **** **** 5675',
    });
    expect(await one(t.tdb.db.selectFrom('transactions').select('merchant').where('external_id', '=', 'TX-PAN').executeTakeFirst())).toEqual({
      merchant: 'SHOP ************1111 SH',
    });
    const notes = await t.tdb.db.selectFrom('audit_log').select('details').where('action', '=', 'case.notes').execute();
    expect(notes).toEqual([{ details: { note: 'customer read out **** **** **** 5556 **** on the call' } }]);
    // What went out to the customers: the reasons and the merchant, masked.
    const sent = await t.tdb.db.selectFrom('outbound_messages').select('body').where('template', 'in', ['reg.declined', 'txcheck.ask']).execute();
    const bodies = sent.map((s) => s.body).join('\n');
    for (const masked of ['card **** **** **** 1111 was declined', '卡号 ****-****-****-5675 有误', 'SHOP ************1111 SH'])
      expect(bodies).toContain(masked);
  });

  it('appear nowhere in PostgreSQL: every string of every row of every table', async () => {
    const { rows: tables } = await sql<{ name: string }>`
      SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'`.execute(t.tdb.db);
    let strings = 0;
    for (const { name } of tables) {
      const { rows } = await sql<{ row: Record<string, unknown> }>`SELECT to_jsonb(t) AS row FROM ${sql.table(name)} t`.execute(t.tdb.db);
      for (const { row } of rows) {
        expect({ table: name, exposed: exposed(row) }).toEqual({ table: name, exposed: [] });
        strings += Object.keys(row).length;
      }
    }
    expect(strings).toBeGreaterThan(1000);
  });

  it('appear nowhere in the log, which holds the texts as recorded', () => {
    const lines = captured.lines();
    const received = lines.filter((l) => l.msg === 'text received');
    expect(received.length).toBeGreaterThanOrEqual(forms.length);
    expect(received.some((l) => String(l.text).includes('************1111'))).toBe(true);
    for (const line of lines) expect({ line, exposed: exposed(line) }).toEqual({ line, exposed: [] });
  });
});
