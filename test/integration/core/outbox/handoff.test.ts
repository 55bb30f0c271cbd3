import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import type { ClaimedMessage } from '../../../../src/core/outbox/claim';
import type { HandOff } from '../../../../src/core/outbox/outbox';
import { recoverExpiredLeases } from '../../../../src/core/outbox/recover';
import { testGateway, type TestGateway, testPipeline } from '../../../helpers/gateway';
import { ScriptedTransport } from '../../../helpers/transports';
import { waitFor } from '../../../helpers/wait';

const LI = '+8613800138000';
let t: TestGateway;

beforeEach(async () => {
  t = await testGateway();
});

afterEach(async () => {
  await t.close();
});

const sms = (text: string) => ({ channel: 'dev', providerId: randomUUID(), from: LI, to: 'UPLINK', text });

/** A pipeline handing its replies to `handOff`; `queued` counts the wake-ups of the claim path. */
function pipelineHandingTo(handOff: HandOff | undefined) {
  const woken = { queued: 0 };
  const pipeline = testPipeline(t, { handOff, onQueued: () => woken.queued++ });
  return { pipeline, woken };
}

const replyRow = () => t.tdb.db.selectFrom('outbound_messages').select(['id', 'status', 'attempts', 'locked_until', 'handed_at']).executeTakeFirstOrThrow();

describe('replies handed to the dispatcher as they commit', () => {
  it('queues the reply already claimed (sending, first attempt, leased, not handed) and hands it over only after commit', async () => {
    await t.tdb.db.insertInto('route_blocks').values({ to_number: LI, channel: 'twilio', reason: 'opted out there' }).execute();
    const lease = new Date(t.clock.now().getTime() + 60_000);
    const handed: { rows: ClaimedMessage[]; committed: unknown }[] = [];
    const { pipeline, woken } = pipelineHandingTo({
      lease: () => lease,
      // Read through another connection of the pool: it sees the row only once committed.
      send: (rows) => void replyRow().then((committed) => handed.push({ rows, committed })),
    });
    await (
      await pipeline.ingest(sms('BAL'))
    ).handled;
    await waitFor('the hand-off', () => handed.length === 1);
    const tier = (await t.tdb.db.selectFrom('customers').select('tier').where('mobile', '=', LI).executeTakeFirstOrThrow()).tier;
    const [row] = handed[0].rows;
    expect(handed[0].rows).toHaveLength(1);
    expect(row).toMatchObject({ to_number: LI, class: 'transactional', attempts: 1, tier, blocked: ['twilio'] });
    expect(row.body).toMatch(/\*\*\*\*5675/);
    expect(handed[0].committed).toEqual({ id: row.id, status: 'sending', attempts: 1, locked_until: lease, handed_at: null });
    expect(woken.queued).toBe(0); // no claim needed
  });

  it('queues the reply for a claim when the dispatcher takes none (stopped) and wakes it', async () => {
    const handed: ClaimedMessage[][] = [];
    const { pipeline, woken } = pipelineHandingTo({ lease: () => null, send: (rows) => void handed.push(rows) });
    await (
      await pipeline.ingest(sms('BAL'))
    ).handled;
    expect(handed).toEqual([]); // nothing to hand over
    expect(await replyRow()).toMatchObject({ status: 'queued', attempts: 0, locked_until: null });
    expect(woken.queued).toBe(1);
  });

  it('a reply leased to a process that died before sending is requeued when the lease runs out, then sent', async () => {
    const { pipeline } = pipelineHandingTo({ lease: (now) => new Date(now.getTime() + 60_000), send: () => {} }); // "dies": never sends
    await (
      await pipeline.ingest(sms('BAL'))
    ).handled;
    expect(await replyRow()).toMatchObject({ status: 'sending', attempts: 1 });
    t.clock.advance(61_000);
    expect(await recoverExpiredLeases(t.tdb.db, t.clock.now())).toEqual({ requeued: 1, unknown: 0 });
    expect(await replyRow()).toMatchObject({ status: 'queued', attempts: 0, handed_at: null });
    while ((await t.gw.dispatcher.runOnce()) > 0);
    expect(await replyRow()).toMatchObject({ status: 'sent', attempts: 1 });
    expect(t.gw.dev.delivered).toHaveLength(1);
  });

  it('a running gateway answers with no claim; replies handed over after stop go back to the queue', async () => {
    await t.gw.start();
    await (
      await t.gw.pipeline.ingest(sms('PTS'))
    ).handled;
    await waitFor('the reply', () => t.gw.dev.delivered.length === 1);
    await waitFor('the sent mark', async () => (await replyRow()).status === 'sent');
    expect(await replyRow()).toMatchObject({ status: 'sent', attempts: 1 });
    const lease = t.gw.dispatcher.lease(t.clock.now());
    expect(lease).not.toBeNull();
    await t.gw.dispatcher.stop();
    expect(t.gw.dispatcher.lease(t.clock.now())).toBeNull();
    // A batch whose lease was taken before the stop and committed after it.
    const { pipeline } = pipelineHandingTo({ lease: () => lease, send: (rows) => t.gw.dispatcher.send(rows) });
    await (
      await pipeline.ingest(sms('BAL'))
    ).handled;
    await waitFor(
      'the requeue',
      async () => (await t.tdb.db.selectFrom('outbound_messages').select('status').where('status', '=', 'queued').execute()).length === 1,
    );
    const row = await t.tdb.db.selectFrom('outbound_messages').select(['attempts', 'locked_until']).where('status', '=', 'queued').executeTakeFirstOrThrow();
    expect(row).toEqual({ attempts: 0, locked_until: null });
    expect(t.gw.dev.delivered).toHaveLength(1);
  });

  it('takes no more hand-offs while handOffMax rows are in hand: the next reply waits in the table, and each is sent once', async () => {
    await t.close();
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    const slow = new ScriptedTransport('slow', async () => {
      await gate;
      return { providerId: '' };
    });
    t = await testGateway({ transports: [slow], dispatcher: { handOffMax: 1 } });
    await t.gw.start();
    const d = t.gw.dispatcher;
    const handed: string[] = [];
    const send = d.send.bind(d);
    d.send = (rows) => {
      handed.push(...rows.map((r) => r.to_number));
      send(rows);
    };
    await (
      await t.gw.pipeline.ingest({ ...sms('BAL'), channel: 'slow' })
    ).handled;
    await waitFor('the first send under way', () => slow.calls.length === 1, 20_000);
    expect(t.gw.dispatcher.lease(t.clock.now())).toBeNull();
    await (
      await t.gw.pipeline.ingest({ ...sms('PTS'), channel: 'slow', from: '+16465550123' })
    ).handled;
    expect(handed).toEqual([LI]); // the second reply was queued for a claim lane instead
    open();
    await waitFor(
      'both sent',
      async () => (await t.tdb.db.selectFrom('outbound_messages').select('id').where('status', '=', 'sent').execute()).length === 2,
      20_000,
    );
    expect(slow.sent.map((m) => m.to).sort()).toEqual(['+16465550123', LI]);
    // The slot is given back after the sent mark commits, so wait for it rather than race it.
    await waitFor('the hand-off slot free again', () => t.gw.dispatcher.lease(t.clock.now()) !== null, 20_000);
  });
});
