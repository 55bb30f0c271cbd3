import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { testGateway, type TestGateway, testPipeline } from '../../../helpers/gateway';
import { waitFor } from '../../../helpers/wait';

let t: TestGateway;

beforeEach(async () => {
  t = await testGateway({ env: { UNKNOWN_SENDER_REPLIES_PER_MINUTE: '1000' } });
});

afterEach(async () => {
  await t.close();
});

const numbers = Array.from({ length: 40 }, (_, i) => `+861390000${String(i).padStart(4, '0')}`);
const JOHN = '+16465550123';

describe('a worker that falls behind leaves texts in the table, not in memory', () => {
  it('handles every text once when most wait in the table (a worker queue of 1)', async () => {
    const pipeline = testPipeline(t, { workerQueueMax: 1 });
    // Arriving together, they are recorded in one statement; all but the first go to the table.
    const texts = [...numbers.map((from) => ({ from, text: 'BAL' })), { from: JOHN, text: 'PTS' }, { from: JOHN, text: 'LANG ZH' }];
    const ingested = await Promise.all(texts.map((s) => pipeline.ingest({ channel: 'dev', providerId: randomUUID(), to: 'UPLINK', ...s })));
    expect(pipeline.leftInTable).toBeGreaterThan(0);
    await waitFor(
      'every text handled',
      async () => (await t.tdb.db.selectFrom('inbound_messages').select('id').where('status', '=', 'received').execute()).length === 0,
    );
    await pipeline.drain();
    const replies = await t.tdb.db
      .selectFrom('outbound_messages')
      .select(['inbound_id', (eb) => eb.fn.countAll<number>().as('n')])
      .groupBy('inbound_id')
      .execute();
    expect(replies).toHaveLength(texts.length);
    expect(replies.every((r) => Number(r.n) === 1)).toBe(true);
    expect(new Set(replies.map((r) => r.inbound_id))).toEqual(new Set(ingested.map((i) => i.id)));
    // One sender's texts are still answered in order: PTS in English, then the language changed.
    const john = await t.tdb.db.selectFrom('outbound_messages').select('body').where('to_number', '=', JOHN).orderBy('inbound_id').execute();
    expect(john[0].body).toMatch(/reward points/);
    expect((await t.tdb.db.selectFrom('customers').select('locale').where('mobile', '=', JOHN).executeTakeFirstOrThrow()).locale).toBe('zh-CN');
  });

  it('keeps handling texts in memory while the worker has room', async () => {
    const pipeline = testPipeline(t);
    await Promise.all(numbers.map((from) => pipeline.ingest({ channel: 'dev', providerId: randomUUID(), from, to: 'UPLINK', text: 'BAL' })));
    await pipeline.drain();
    expect(pipeline.leftInTable).toBe(0);
    expect(await t.tdb.db.selectFrom('inbound_messages').select('id').where('status', '=', 'received').execute()).toEqual([]);
  });
});
