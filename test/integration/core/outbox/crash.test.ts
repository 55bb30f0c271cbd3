import { spawn } from 'node:child_process';
import { appendFileSync, existsSync, mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { claimDue } from '../../../../src/core/outbox/claim';
import { Dispatcher } from '../../../../src/core/outbox/dispatcher';
import { recoverExpiredLeases } from '../../../../src/core/outbox/recover';
import { RouteTable } from '../../../../src/core/outbox/routes';
import { markHanded } from '../../../../src/core/outbox/settle';
import { createLogger } from '../../../../src/shared/log';
import type { SmsTransport } from '../../../../src/transport/types';
import { freshDatabase, type TestDatabase } from '../../../helpers/db';

let tdb: TestDatabase;
beforeEach(async () => {
  tdb = await freshDatabase();
});
afterEach(async () => {
  await tdb.drop();
});

async function queueMany(n: number, at = new Date()) {
  const values = Array.from({ length: n }, (_, i) => ({
    to_number: `+1646555${String(i).padStart(4, '0')}`,
    body: `m${i}`,
    locale: 'en',
    template: 'test',
    class: 'service',
    priority: 22,
    not_before: at,
  }));
  await tdb.db
    .insertInto('outbound_messages')
    .values(values as never)
    .execute();
}

const statusCounts = async () =>
  Object.fromEntries(
    (
      await tdb.db
        .selectFrom('outbound_messages')
        .select(['status', (eb) => eb.fn.countAll<number>().as('n')])
        .groupBy('status')
        .execute()
    ).map((r) => [r.status, Number(r.n)]),
  );

describe('lease recovery', () => {
  it('requeues rows never handed over and marks handed ones unknown', async () => {
    const now = new Date();
    await queueMany(4, now);
    const claimed = await claimDue(tdb.db, { batch: 4, leaseMs: 1000, now, minPriority: 0, maxPriority: 99 });
    await markHanded(
      tdb.db,
      claimed.slice(0, 1).map((r) => r.id),
      now,
    );
    expect(await recoverExpiredLeases(tdb.db, new Date(now.getTime() + 500))).toEqual({ requeued: 0, unknown: 0 });
    expect(await recoverExpiredLeases(tdb.db, new Date(now.getTime() + 1500))).toEqual({ requeued: 3, unknown: 1 });
    expect(await statusCounts()).toEqual({ queued: 3, unknown: 1 });
    const requeued = await tdb.db.selectFrom('outbound_messages').select('attempts').where('status', '=', 'queued').execute();
    expect(requeued.every((r) => r.attempts === 0)).toBe(true);
  });
});

describe('SIGKILL in the middle of sending', () => {
  it('loses nothing and sends nothing twice, except rows left unknown', async () => {
    const total = 3000;
    await queueMany(total);
    const out = path.join(mkdtempSync(path.join(os.tmpdir(), 'uplink-crash-')), 'sent.txt');
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/fixtures/dispatch-child.ts'], {
      env: { ...process.env, DATABASE_URL: tdb.url, OUT_FILE: out },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const lines = () => (existsSync(out) ? readFileSync(out, 'utf8').split('\n').filter(Boolean) : []);
    const deadline = Date.now() + 30_000;
    while (lines().length < 600 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    child.kill('SIGKILL');
    await new Promise((r) => child.once('close', r));
    const beforeRestart = lines().length;
    expect(beforeRestart).toBeGreaterThanOrEqual(600);
    expect(beforeRestart).toBeLessThan(total);

    // Restart: a new dispatcher whose clock is past the dead worker's leases.
    const transport: SmsTransport = {
      name: 'file',
      async send(msg) {
        appendFileSync(out, `${msg.id}\n`);
        return { providerId: `f-${msg.id}` };
      },
    };
    const later = () => new Date(Date.now() + 5_000);
    const restarted = new Dispatcher(tdb.db, new Map([['file', transport]]), new RouteTable([{ via: ['file'] }], ['file']), later, createLogger('silent'), {
      destinationMaxPerMinute: 1_000_000,
    });
    while ((await restarted.runOnce()) > 0);

    const sentIds = lines().map(Number);
    expect(new Set(sentIds).size).toBe(sentIds.length); // nothing sent twice
    const counts = await statusCounts();
    expect(Object.keys(counts).sort()).toEqual(counts.unknown ? ['sent', 'unknown'] : ['sent']);
    expect((counts.sent ?? 0) + (counts.unknown ?? 0)).toBe(total); // nothing lost
    expect(counts.unknown ?? 0).toBeLessThanOrEqual(100); // at most the batches in flight (2 lanes × 50)
    const sentRows = await tdb.db.selectFrom('outbound_messages').select('id').where('status', '=', 'sent').execute();
    const inFile = new Set(sentIds);
    expect(sentRows.every((r) => inFile.has(r.id))).toBe(true); // every "sent" row really left
  });
});
