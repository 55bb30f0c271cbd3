import { afterEach, describe, expect, it } from '@jest/globals';
import { MAX_INBOUND_CHARS } from '../../../../src/core/inbound/normalize';
import { testGateway, type TestGateway } from '../../../helpers/gateway';
import { captureLog } from '../../../helpers/log';

// Reply loops and SMS pumping: what a number, or unknown numbers together, can make Uplink send.

const JOHN = '+16465550123';
let t: TestGateway;
afterEach(async () => {
  await t.close();
});

/** Sends `text` from `from` `n` times, a minute apart (under the per-minute limit); returns every reply. */
async function repeatedly(from: string, text: string, n: number, gapMs = 60_000): Promise<string[]> {
  const replies: string[] = [];
  for (let i = 0; i < n; i++) {
    replies.push(...(await t.sms(from, text)));
    t.clock.advance(gapMs);
  }
  return replies;
}

describe('STOP', () => {
  it('is honoured every time but confirmed once per 24 hours per number, START in between or not', async () => {
    t = await testGateway();
    const replies = await repeatedly(JOHN, 'STOP', 25, 1000);
    expect(replies).toEqual(['You will no longer receive marketing messages. Messages about your card and account continue. Reply START to resume.']);
    expect(await t.tdb.db.selectFrom('suppressions').select('mobile').execute()).toEqual([{ mobile: JOHN }]);
    const audited = await t.tdb.db.selectFrom('audit_log').select('details').where('action', '=', 'consent.opt_out').execute();
    expect(audited).toHaveLength(25);
    expect(audited.filter((a) => (a.details as { confirmed: boolean }).confirmed)).toHaveLength(1);
    // START resumes marketing; STOP within the day is honoured silently.
    t.clock.advance(60_000);
    expect(await t.sms(JOHN, 'START')).toHaveLength(1);
    expect(await t.sms(JOHN, 'STOP')).toEqual([]);
    expect(await t.tdb.db.selectFrom('suppressions').select('mobile').execute()).toEqual([{ mobile: JOHN }]);
    t.clock.advance(24 * 3600_000);
    expect(await t.sms(JOHN, 'STOP')).toHaveLength(1);
  });
});

describe('a daily reply budget per number', () => {
  it('answers REPLIES_PER_NUMBER_PER_DAY texts in 24 hours, then none, and again the next day', async () => {
    t = await testGateway({ env: { REPLIES_PER_NUMBER_PER_DAY: '5' } });
    const replies = await repeatedly(JOHN, 'PTS', 8);
    expect(replies).toHaveLength(5);
    const statuses = await t.tdb.db.selectFrom('inbound_messages').select('status').orderBy('id').execute();
    expect(statuses.map((s) => s.status)).toEqual([...new Array(5).fill('processed'), 'rate_limited', 'rate_limited', 'rate_limited']);
    // STOP is honoured past the budget.
    await t.sms(JOHN, 'STOP');
    expect(await t.tdb.db.selectFrom('suppressions').select('mobile').execute()).toEqual([{ mobile: JOHN }]);
    t.clock.advance(24 * 3600_000);
    expect(await t.sms(JOHN, 'PTS')).toHaveLength(1);
  });
});

describe('a per-minute budget for unknown senders, all together', () => {
  it('answers UNKNOWN_SENDER_REPLIES_PER_MINUTE texts from unknown numbers a minute, customers always, and logs once', async () => {
    const captured = captureLog('info');
    t = await testGateway({ env: { UNKNOWN_SENDER_REPLIES_PER_MINUTE: '3' }, log: captured.log });
    const unknown = (i: number) => `+86136001360${String(i).padStart(2, '0')}`;
    const answered: number[] = [];
    for (let i = 0; i < 6; i++) answered.push((await t.sms(unknown(i), 'HELP')).length);
    expect(answered).toEqual([1, 1, 1, 0, 0, 0]);
    expect(await t.sms(JOHN, 'PTS')).toHaveLength(1); // a customer is not an unknown sender
    t.clock.advance(61_000);
    expect(await t.sms(unknown(7), 'HELP')).toHaveLength(1);
    const warnings = captured.lines().filter((l) => String(l.msg).startsWith('unknown senders reply budget spent'));
    expect(warnings).toHaveLength(1);
  });
});

describe('the size of an inbound text', () => {
  it('is cut at MAX_INBOUND_CHARS after card numbers are masked, and still answered', async () => {
    t = await testGateway();
    const long = `PTS ${'x'.repeat(MAX_INBOUND_CHARS - 20)} 4111 1111 1111 1111 ${'y'.repeat(5000)}`;
    expect(await t.sms(JOHN, long)).toEqual(['You have 3,150 reward points (as of Nov 27, 2026, 9:30 PM).']);
    const [row] = await t.tdb.db.selectFrom('inbound_messages').select('text').execute();
    expect(row.text).toHaveLength(MAX_INBOUND_CHARS);
    expect(row.text).toMatch(/x \*{4} \*{4} \*{4}…$/); // masked first, then cut: no first digits left in clear
  });
});

describe('the English HELP reply', () => {
  it('is in the CTIA form: program name, help contact, frequency, rates, how to stop', async () => {
    t = await testGateway({ env: { PROGRAM_NAME: 'Example Bank Cards' } });
    const [help] = await t.sms(JOHN, 'HELP');
    expect(help).toMatch(/^Example Bank Cards: /);
    for (const part of ['Help: 400-820-8888.', 'Msg frequency varies.', 'Msg & data rates may apply.', 'Reply STOP to cancel']) expect(help).toContain(part);
  });
});
