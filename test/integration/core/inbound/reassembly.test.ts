import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { PartSets } from '../../../../src/core/inbound/reassembly';
import type { ReceivedPart } from '../../../../src/transport/types';
import { testGateway, type TestGateway, testPipeline, TEST_SECRET } from '../../../helpers/gateway';

const LI = '+8613800138000';
let t: TestGateway;
beforeEach(async () => {
  t = await testGateway();
});
afterEach(async () => {
  await t.close();
});

const part = (seq: number, text: string, extra: { ref?: number; total?: number; from?: string } = {}) => ({
  channel: 'smpp',
  providerId: `p${seq}`,
  from: extra.from ?? LI,
  to: '95555',
  text,
  ref: extra.ref ?? 42,
  total: extra.total ?? 3,
  seq,
});

/** Stores a part; when it completes its set, waits until the whole text is handled. */
async function store(p: ReceivedPart, pipeline = t.gw.pipeline) {
  const outcome = await new PartSets(t.tdb.db, pipeline, t.clock.now, TEST_SECRET).store(p);
  if (outcome.complete) await outcome.handled;
  return outcome;
}

const inbound = () => t.tdb.db.selectFrom('inbound_messages').select(['text', 'status', 'provider_id']).execute();

describe('concatenated inbound texts', () => {
  it('records the whole text once the last part arrives, in any order, a repeated part changing nothing', async () => {
    expect(await store(part(3, '5675'))).toEqual({ complete: false });
    expect(await store(part(1, '余额'))).toEqual({ complete: false });
    expect(await store(part(3, '5675'))).toEqual({ complete: false });
    expect(await inbound()).toEqual([]);
    expect(await store(part(2, ' '))).toMatchObject({ complete: true, duplicate: false });
    expect(await inbound()).toEqual([{ text: '余额 5675', status: 'processed', provider_id: 'p1#42/3' }]);
    expect(await t.tdb.db.selectFrom('inbound_parts').selectAll().execute()).toEqual([]);
    while ((await t.gw.dispatcher.runOnce()) > 0);
    expect(t.gw.dev.delivered.at(-1)?.body).toMatch(/卡号\*\*\*\*5675：当前欠款¥12,345.67/);
  });

  it('survives a restart between parts: the parts wait in Postgres', async () => {
    await store(part(1, 'BAL', { total: 2 }));
    const restarted = testPipeline(t);
    expect(await store(part(2, ' 5675', { total: 2 }), restarted)).toMatchObject({ complete: true });
    expect(await inbound()).toEqual([{ text: 'BAL 5675', status: 'processed', provider_id: 'p1#42/2' }]);
  });

  it('keeps sets of different senders and references apart', async () => {
    await store(part(1, 'A', { total: 2 }));
    await store(part(2, 'B', { total: 2, ref: 43 }));
    await store(part(2, 'C', { total: 2, from: '+16465550123' }));
    expect(await inbound()).toEqual([]);
    expect((await t.tdb.db.selectFrom('inbound_parts').selectAll().execute()).length).toBe(3);
  });

  it('processes an incomplete set after the timeout with what arrived, never silently dropped', async () => {
    await store(part(1, 'BAL'));
    await store(part(3, '5675'));
    expect(await t.gw.parts.flushStale(60_000)).toBe(0);
    t.clock.advance(61_000);
    expect(await t.gw.parts.flushStale(60_000)).toBe(1);
    expect(await inbound()).toEqual([{ text: 'BAL…5675', status: 'processed', provider_id: 'p1#42/3' }]);
    expect(await t.tdb.db.selectFrom('inbound_parts').selectAll().execute()).toEqual([]);
  });

  it('completes a set once when its last parts arrive at the same moment', async () => {
    await store(part(1, 'P', { total: 3 }));
    const results = await Promise.all([store(part(2, 'T', { total: 3 })), store(part(3, 'S', { total: 3 }))]);
    expect(results.filter((r) => r.complete)).toHaveLength(1);
    expect(await inbound()).toEqual([{ text: 'PTS', status: 'processed', provider_id: 'p1#42/3' }]);
  });
});
