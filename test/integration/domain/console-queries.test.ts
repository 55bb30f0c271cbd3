import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { confirmRegistration } from '../../../src/core/registrations/decisions';
import { customerView, searchCustomers } from '../../../src/domain/customer-view';
import { addStaff } from '../../../src/domain/staff';
import { openCase } from '../../../src/domain/cases';
import { deliveryByRoute, perAgent, queueDepth, replyLatency, slaStates, textsByCommand, textsPerHour } from '../../../src/domain/stats';
import { testGateway, type TestGateway } from '../../helpers/gateway';

let t: TestGateway;
beforeAll(async () => {
  t = await testGateway();
});
afterAll(async () => {
  await t.close();
});

describe('searchCustomers', () => {
  it.each([
    ['13800138000', ['李伟']],
    ['+86 138 0013 8000', ['李伟']],
    ['0123', ['John Smith']], // part of a mobile
    ['7891', ['John Smith']], // a card's last 4
    ['5432', ['李伟']],
    ['smith', ['John Smith']],
    ['陳', ['陳美玲']],
    ['%', []], // no wildcard from the search box
    ['nobody', []],
  ])('%p finds %j', async (q, names) => {
    expect((await searchCustomers(t.tdb.db, q, 'CN')).map((c) => c.name)).toEqual(names);
  });
});

describe('customerView', () => {
  it('shows cards by their last 4 only, the sign-up waiting, and the conversation newest first', async () => {
    await t.sms('13800138000', 'JOIN HC2026');
    const view = (await customerView(t.tdb.db, 'C-1001'))!;
    expect(view.cards.map((c) => c.last4)).toEqual(['5675', '5432']);
    expect(Object.keys(view.cards[0]).sort()).toEqual(['balance', 'credit_limit', 'currency', 'expires_on', 'last4', 'product', 'status']);
    expect(view.registrations).toEqual([expect.objectContaining({ code: 'HC2026', status: 'pending' })]);
    expect(view.thread.map((m) => m.direction)).toEqual(['out', 'in']);
    expect(await customerView(t.tdb.db, 'C-nobody')).toBeUndefined();
  });
});

describe('dashboard figures', () => {
  it('counts texts by hour and command, replies, routes, the queue, SLA states and agents', async () => {
    const day = { from: new Date('2026-11-28T00:00:00Z'), to: new Date('2026-11-29T00:00:00Z') };
    await t.sms('+16465550123', 'BAL');
    t.clock.advance(60 * 60_000);
    await t.sms('+16465550123', 'BAL');
    await t.sms('+16465550123', 'gibberish words here');
    const hours = await textsPerHour(t.tdb.db, day);
    expect(hours.map((h) => [h.hour.toISOString(), h.in, h.out])).toEqual([
      ['2026-11-28T02:00:00.000Z', 2, 2],
      ['2026-11-28T03:00:00.000Z', 2, 2],
    ]);
    expect(await textsByCommand(t.tdb.db, day)).toEqual([
      { command: 'balance', count: 2 },
      { command: 'join', count: 1 },
      { command: 'unknown', count: 1 },
    ]);
    expect((await replyLatency(t.tdb.db, day)).replies).toBe(4);
    await t.tdb.db.updateTable('outbound_messages').set({ status: 'delivered' }).where('template', 'like', 'bal.%').execute();
    expect(await deliveryByRoute(t.tdb.db, day)).toEqual([{ route: 'dev', delivered: 2, failed: 0, sent: 2 }]);
    expect(await queueDepth(t.tdb.db)).toEqual({ security: 0, transactional: 0, service: 0, marketing: 0 });
    expect(await slaStates(t.tdb.db, t.clock.now())).toEqual({ ok: 0, soon: 1, breached: 0 }); // platinum sign-up, 60 of 60 minutes gone
    const { staff } = await addStaff(t.tdb.db, { externalId: 'T-1', name: 'Agent One', role: 'agent' });
    const ref = (await t.tdb.db.selectFrom('registrations').select('ref').executeTakeFirstOrThrow()).ref;
    await t.tdb.db.transaction().execute((trx) => confirmRegistration(trx, t.gw.notifier, ref, { staff, channel: 'test' }, t.clock.now()));
    expect(await perAgent(t.tdb.db, day)).toEqual([{ staff: 'T-1', name: 'Agent One', handled: 1, medianMinutes: 60, quality: null, surveys: 0 }]);
    // Two cases the agent resolved, rated 4 and 5 by their customers: the quality score is the mean.
    const customer = (await t.tdb.db.selectFrom('customers').select('id').executeTakeFirstOrThrow()).id;
    for (const score of [4, 5]) {
      const c = await openCase(t.tdb.db, { kind: 'callback', customerId: customer, summary: 'test' }, t.clock.now());
      await t.tdb.db
        .updateTable('cases')
        .set({ status: 'resolved', assigned_to: staff.id, resolved_at: t.clock.now(), survey_score: score })
        .where('id', '=', c.id)
        .execute();
    }
    expect(await perAgent(t.tdb.db, day)).toMatchObject([{ staff: 'T-1', handled: 3, quality: 4.5, surveys: 2 }]);
    expect(await slaStates(t.tdb.db, t.clock.now())).toEqual({ ok: 0, soon: 0, breached: 0 });
  });
});
