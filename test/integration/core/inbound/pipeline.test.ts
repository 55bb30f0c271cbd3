import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { defineCommand, noArgs } from '../../../../src/core/commands/command';
import { commands } from '../../../../src/core/commands/index';
import { testGateway, type TestGateway, testPipeline, recordOnly } from '../../../helpers/gateway';

const JOHN = '+16465550123';
let t: TestGateway;

afterEach(async () => {
  await t.close();
});

describe('persist and dedupe', () => {
  beforeEach(async () => {
    t = await testGateway();
  });

  it('answers a repeated provider id once, and a repeat on another channel separately', async () => {
    const first = await t.sms(JOHN, 'PTS', { providerId: 'p-1' });
    const again = await t.sms(JOHN, 'PTS', { providerId: 'p-1' });
    expect(first).toEqual(['You have 3,150 reward points (as of Nov 27, 2026, 9:30 PM).']);
    expect(again).toEqual(first); // the same stored reply, not a second one
    expect(await t.tdb.db.selectFrom('outbound_messages').selectAll().execute()).toHaveLength(1);
    expect(await t.tdb.db.selectFrom('inbound_messages').selectAll().execute()).toHaveLength(1);
    await t.sms(JOHN, 'PTS', { providerId: 'p-1', channel: 'other' });
    expect(await t.tdb.db.selectFrom('inbound_messages').selectAll().execute()).toHaveLength(2);
  });

  it('identifies the sender however the number is written', async () => {
    for (const from of ['13800138000', '+86 138 0013 8000', '008613800138000', '+86-138-0013-8000']) {
      expect(await t.sms(from, '积分')).toEqual(['截至2026年11月28日 10:30，您的积分为128,450分。']);
    }
    const rows = await t.tdb.db.selectFrom('inbound_messages').select(['from_number', 'customer_id']).execute();
    expect(new Set(rows.map((r) => r.from_number))).toEqual(new Set(['+8613800138000']));
    expect(rows.every((r) => r.customer_id !== null)).toBe(true);
  });

  it('masks a card number before it is stored', async () => {
    await t.sms(JOHN, 'my card 6250 0012 3456 7891 is lost');
    const row = await t.tdb.db.selectFrom('inbound_messages').select('text').executeTakeFirstOrThrow();
    expect(row.text).toBe('my card **** **** **** 7891 is lost');
  });

  it('processes a text recorded before a crash when recovery runs', async () => {
    const id = await recordOnly(t, { from: JOHN, to: 'UPLINK', text: 'PTS' });
    expect(await t.tdb.db.selectFrom('outbound_messages').selectAll().execute()).toHaveLength(0);
    t.clock.advance(60_000);
    expect(await t.gw.pipeline.recoverPending()).toBe(1);
    const reply = await t.tdb.db.selectFrom('outbound_messages').select(['body', 'inbound_id']).executeTakeFirstOrThrow();
    expect(reply).toEqual({ body: 'You have 3,150 reward points (as of Nov 27, 2026, 9:30 PM).', inbound_id: id });
    expect(await t.gw.pipeline.recoverPending()).toBe(0);
  });
});

describe('rate limit', () => {
  beforeEach(async () => {
    t = await testGateway({ env: { RATE_LIMIT_PER_MINUTE: '3' } });
  });

  it('answers N texts a minute, then one "slow down", then nothing; STOP still works', async () => {
    const replies = [];
    for (let i = 0; i < 6; i++) replies.push(await t.sms(JOHN, 'PTS'));
    expect(replies.slice(0, 3)).toEqual(Array(3).fill(['You have 3,150 reward points (as of Nov 27, 2026, 9:30 PM).']));
    expect(replies[3]).toEqual(['You are sending messages too quickly. Please wait a minute and try again.']);
    expect(replies.slice(4)).toEqual([[], []]);
    expect((await t.sms(JOHN, 'STOP'))[0]).toMatch(/no longer receive marketing/);
    const statuses = await t.tdb.db.selectFrom('inbound_messages').select('status').orderBy('id').execute();
    expect(statuses.map((s) => s.status)).toEqual(['processed', 'processed', 'processed', 'rate_limited', 'rate_limited', 'rate_limited', 'processed']);
    t.clock.advance(61_000);
    expect(await t.sms(JOHN, 'PTS')).toEqual(['You have 3,150 reward points (as of Nov 27, 2026, 9:30 PM).']);
  });
});

describe('odd input', () => {
  beforeEach(async () => {
    t = await testGateway();
  });

  it.each([
    ['empty', '', /^Uplink: BAL balance/],
    ['spaces only', '   ', /^Uplink: BAL balance/],
    ['2,000 characters', 'x'.repeat(2000), /did not understand/],
    ['control characters', 'B\u0001A\u0002L', /^As of/],
    ['NUL inside', 'BAL\u0000', /^As of/],
    ['lone surrogate', 'BAL \uD800', /^As of/], // stored as U+FFFD, a symbol: passed over like punctuation
    ['emoji', '😀😀', /^Uplink: BAL balance/], // symbols only: as good as empty
    ['emoji and words', '😀 what is this thing', /did not understand/],
    ['right-to-left mark and zero-width space', '\u200FB\u200BAL', /^As of/],
  ])('%s: a sensible reply, recorded', async (_name, text, expected) => {
    const replies = await t.sms(JOHN, text);
    expect(replies).toHaveLength(1);
    expect(replies[0]).toMatch(expected);
    const row = await t.tdb.db.selectFrom('inbound_messages').select(['text', 'status']).executeTakeFirstOrThrow();
    expect(row.status).toBe('processed');
    expect(row.text).not.toContain('\u0000');
  });
});

/** BOOM: writes, queues a reply, then throws — everything it did must roll back. */
const boom = defineCommand({
  name: 'boom',
  audience: 'customer',
  aliases: { en: ['BOOM'], 'zh-CN': [], 'zh-HK': [] },
  args: noArgs,
  usage: 'help.menu',
  async run(ctx) {
    await ctx.db.updateTable('customers').set({ points: 0 }).execute();
    ctx.reply('pts.balance', { points: 0, asOf: 'now', note: '' });
    throw new Error('handler bug');
  },
});

/** A pipeline that also knows BOOM. */
const pipelineWithBoom = () => testPipeline(t, { commands: [...commands, boom] });

describe('a failing command', () => {
  beforeEach(async () => {
    t = await testGateway();
  });

  it('rolls back its writes and replies, marks the text failed and apologises', async () => {
    await (
      await pipelineWithBoom().ingest({ channel: 'dev', providerId: 'b-1', from: JOHN, to: 'UPLINK', text: 'BOOM' })
    ).handled;
    const inbound = await t.tdb.db.selectFrom('inbound_messages').select(['status', 'error']).executeTakeFirstOrThrow();
    expect(inbound).toEqual({ status: 'failed', error: 'Error: handler bug' });
    const out = await t.tdb.db.selectFrom('outbound_messages').select('body').execute();
    expect(out).toEqual([{ body: 'Sorry, something went wrong on our side. Please try again later or call 400-820-8888.' }]);
    const points = await t.tdb.db.selectFrom('customers').select('points').where('external_id', '=', 'C-1003').executeTakeFirstOrThrow();
    expect(points.points).toBe(3150);
  });
});

describe('texts handled in batches', () => {
  const LI = '+8613800138000';
  const WANG = '+8613900139000';
  const pipelineWith = pipelineWithBoom;
  const sms = (from: string, text: string) => ({ channel: 'dev', providerId: randomUUID(), from, to: 'UPLINK', text });
  const repliesTo = async (from: string) =>
    (await t.tdb.db.selectFrom('outbound_messages').select('body').where('to_number', '=', from).orderBy('id').execute()).map((r) => r.body);

  beforeEach(async () => {
    t = await testGateway();
  });

  it('records texts arriving together in one go, a repeated provider id as a duplicate of the first', async () => {
    const pipeline = pipelineWith();
    const first = sms(JOHN, 'PTS');
    const results = await Promise.all([
      pipeline.ingest(first),
      pipeline.ingest(sms(LI, 'BAL')),
      pipeline.ingest({ ...first }),
      pipeline.ingest(sms(WANG, 'PTS')),
    ]);
    expect(results.map((r) => r.duplicate)).toEqual([false, false, true, false]);
    expect(results[2].id).toBe(results[0].id);
    expect(await t.tdb.db.selectFrom('inbound_messages').selectAll().execute()).toHaveLength(3);
    expect((await pipeline.ingest({ ...first })).duplicate).toBe(true); // and in a later batch
    await Promise.all(results.map((r) => r.handled));
  });

  it('answers every text of a batch; a sender with two texts has them handled in order, the second seeing the first', async () => {
    const pipeline = pipelineWith();
    const ids = [];
    for (const [from, text] of [
      [JOHN, 'LANG ZH'],
      [LI, '积分'],
      [JOHN, 'PTS'],
      [WANG, 'PTS'],
    ])
      ids.push(await recordOnly(t, sms(from, text)));
    t.clock.advance(1000);
    expect(await pipeline.recoverPending(0)).toBe(4); // one batch of four
    expect(await repliesTo(JOHN)).toEqual([expect.stringContaining('中文'), '截至2026年11月27日 21:30，您的积分为3,150分。']); // PTS after LANG ZH: in Chinese
    expect(await repliesTo(LI)).toEqual(['截至2026年11月28日 10:30，您的积分为128,450分。']);
    expect(await repliesTo(WANG)).toHaveLength(1);
    const statuses = await t.tdb.db.selectFrom('inbound_messages').select('status').where('id', 'in', ids).execute();
    expect(statuses.map((s) => s.status)).toEqual(['processed', 'processed', 'processed', 'processed']);
  });

  it('a failing command fails alone: the rest of its batch is answered, it gets the apology', async () => {
    const pipeline = pipelineWith();
    for (const [from, text] of [
      [LI, '积分'],
      [JOHN, 'BOOM'],
      [WANG, 'PTS'],
    ])
      await recordOnly(t, sms(from, text));
    t.clock.advance(1000);
    expect(await pipeline.recoverPending(0)).toBe(3);
    expect(await repliesTo(LI)).toEqual(['截至2026年11月28日 10:30，您的积分为128,450分。']);
    expect(await repliesTo(JOHN)).toEqual(['Sorry, something went wrong on our side. Please try again later or call 400-820-8888.']);
    expect(await repliesTo(WANG)).toHaveLength(1);
    const failed = await t.tdb.db.selectFrom('inbound_messages').select(['from_number', 'error']).where('status', '=', 'failed').execute();
    expect(failed).toEqual([{ from_number: JOHN, error: 'Error: handler bug' }]);
  });
});
