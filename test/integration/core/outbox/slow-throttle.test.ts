import { afterEach, describe, expect, it } from '@jest/globals';
import { TestClock, testGateway, type TestGateway } from '../../../helpers/gateway';
import { ScriptedTransport } from '../../../helpers/transports';
import { waitFor } from '../../../helpers/wait';

let t: TestGateway;
afterEach(async () => {
  await t.close();
});

describe('messages waiting behind a slow throttle', () => {
  it('keep their lease while they wait: none is taken for abandoned, each is sent once with its provider id', async () => {
    const slow = new ScriptedTransport('slow');
    // 120 messages at 30/s take about 4 s; the lease is 1.5 s, and the sweep runs every 0.75 s.
    t = await testGateway({
      transports: [slow],
      clock: TestClock.realTime(),
      dispatcher: { leaseMs: 1_500 },
      env: { TRANSPORT_LIMITS: JSON.stringify({ slow: { perSecond: 30, segmentsPerSecond: 30 } }) },
    });
    const n = 120;
    const rows = Array.from({ length: n }, (_, i) => ({
      to: `+1646555${String(4000 + i)}`,
      body: `m${i}`,
      locale: 'en' as const,
      template: 'test.slow',
      class: 'service' as const,
    }));
    await t.gw.outbox.enqueue(t.tdb.db, rows, t.clock.now());
    let unknownSeen = 0;
    await t.gw.start();
    await waitFor(
      'every message sent',
      async () => {
        const counts = await t.tdb.db
          .selectFrom('outbound_messages')
          .select(['status', (eb) => eb.fn.countAll<number>().as('n')])
          .groupBy('status')
          .execute();
        unknownSeen = Math.max(unknownSeen, Number(counts.find((c) => c.status === 'unknown')?.n ?? 0));
        return counts.length === 1 && counts[0].status === 'sent';
      },
      30_000,
    );
    expect(unknownSeen).toBe(0);
    expect(new Set(slow.sent.map((m) => m.id)).size).toBe(n);
    expect(slow.sent).toHaveLength(n);
    const missingIds = await t.tdb.db.selectFrom('outbound_messages').select('id').where('provider_id', 'is', null).execute();
    expect(missingIds).toEqual([]);
  });
});
