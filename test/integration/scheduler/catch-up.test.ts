import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { jobDefinitions } from '../../../src/scheduler/jobs';
import { Scheduler } from '../../../src/scheduler/scheduler';
import { createLogger } from '../../../src/shared/log';
import { TestClock, testGateway, type TestGateway } from '../../helpers/gateway';

let t: TestGateway;
beforeEach(async () => {
  // 2026-11-30 10:30 in Shanghai: the 10:00 reminders are due; 陳美玲's card K-2001 is made to expire in 30 days.
  t = await testGateway({ clock: new TestClock(new Date('2026-11-30T02:30:00Z')) });
  await t.tdb.db.updateTable('cards').set({ expires_on: '2026-12-30' }).where('external_id', '=', 'K-2001').execute();
});
afterEach(async () => {
  await t.close();
});

const scheduler = () =>
  new Scheduler(
    { db: t.tdb.db, notifier: t.gw.notifier, config: t.gw.config },
    jobDefinitions('Asia/Shanghai'),
    t.clock.now,
    createLogger('silent'),
    () => {},
    24 * 3600_000,
  );
const lastSlot = (name: string, slot: string) =>
  t.tdb.db
    .insertInto('job_leases')
    .values({ name, last_slot: new Date(slot), holder: 'before the deploy' })
    .onConflict((oc) => oc.column('name').doUpdateSet({ last_slot: new Date(slot) }))
    .execute();
const reminders = () => t.tdb.db.selectFrom('outbound_messages').select(['dedupe_key', 'not_before']).where('template', '=', 'notice.renewal').execute();

describe('a tick missed while every instance was down', () => {
  it('is run when the scheduler starts, as of its own time, once', async () => {
    for (const job of jobDefinitions('Asia/Shanghai')) await lastSlot(job.name, '2026-11-29T02:00:00Z'); // ran yesterday at 10:00
    const s = scheduler();
    const ran = await s.catchUp();
    expect(ran).toEqual(
      expect.arrayContaining([
        'renewal-reminders@2026-11-30T02:00:00.000Z',
        'payment-reminders@2026-11-30T02:00:00.000Z',
        'birthday-greetings@2026-11-30T02:00:00.000Z',
      ]),
    );
    expect(ran.filter((r) => r.startsWith('birthday-greetings'))).toHaveLength(24); // each missed hour
    expect(ran.filter((r) => r.startsWith('txcheck-sweep'))).toEqual(['txcheck-sweep@2026-11-30T02:30:00.000Z']); // the latest only
    expect(await reminders()).toEqual([{ dedupe_key: expect.stringMatching(/^renewal:\d+:30$/), not_before: new Date('2026-11-30T02:00:00Z') }]);
    expect(await scheduler().catchUp()).toEqual([]); // another instance starting: nothing left to run
    expect(await reminders()).toHaveLength(1);
  });

  it('runs nothing older than the backfill window, and nothing on a new installation', async () => {
    await lastSlot('renewal-reminders', '2026-11-20T02:00:00Z');
    const ran = await scheduler().catchUp();
    expect(ran.filter((r) => r.startsWith('renewal-reminders'))).toEqual(['renewal-reminders@2026-11-30T02:00:00.000Z']); // not the nine days before
    expect(ran.filter((r) => !r.startsWith('renewal-reminders'))).toEqual([]); // the other jobs never ran here: they start from now
    const leases = await t.tdb.db.selectFrom('job_leases').select(['name', 'last_slot']).orderBy('name').execute();
    expect(leases.find((l) => l.name === 'payment-reminders')?.last_slot).toEqual(new Date('2026-11-30T02:00:00Z'));
  });
});
