import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { commands } from '../../../../src/core/commands/index';
import { readTexts } from '../../../../src/core/inbound/batch';
import { TextHandler } from '../../../../src/core/inbound/handler';
import { READ_WHILE_RECORDING_MAX } from '../../../../src/core/inbound/pipeline';
import { recordTexts } from '../../../../src/core/inbound/record';
import { inboundTotal } from '../../../../src/shared/metrics';
import { recordOnly, testGateway, type TestGateway } from '../../../helpers/gateway';
import { waitFor } from '../../../helpers/wait';

const LI = '+8613800138000';
let t: TestGateway;
let handler: TextHandler;

beforeEach(async () => {
  t = await testGateway();
  handler = new TextHandler({ config: t.gw.config, notifier: t.gw.notifier, outbox: t.gw.outbox, commands, clock: t.clock.now });
});

afterEach(async () => {
  await t.close();
});

const record = (text: string, from = LI) => recordOnly(t, { from, to: 'UPLINK', text });
const replies = async () => await t.tdb.db.selectFrom('outbound_messages').select(['inbound_id', 'body']).orderBy('id').execute();

describe('texts naming read-only commands are answered without a transaction', () => {
  it.each([
    ['BAL', true],
    ['余额 5675', true],
    ['PTS', true],
    ['積分', true],
    ['HELP', true],
    ['', true], // the menu
    ['what is this', true], // "did not understand"
    ['BILL', true], // reads statements through the pool, writes nothing
    ['查询余额', true], // one read-only intent, read loosely
    ['is my card lost', true], // an action named loosely is only asked about
    ['balance and bill', true], // asked which
    ['LOST', false],
    ['ACT 1234 0101', false],
    ['LANG ZH', false],
    ['STOP', false],
    ['NO', false], // a staff keyword too (decline a registration)
    ['OK R-1', false],
  ])('%j answers only: %s', (text, expected) => {
    expect(handler.answersOnly(text)).toBe(expected);
  });

  it('answers BAL while another transaction holds the sender lock; LANG waits for it', async () => {
    const bal = await record('BAL');
    const lang = await record('LANG ZH', '+8613900139000');
    let langHandled: Promise<unknown> | undefined;
    await t.tdb.db.transaction().execute(async (trx) => {
      await sql`SELECT pg_advisory_xact_lock(hashtext(${LI})), pg_advisory_xact_lock(hashtext('+8613900139000'))`.execute(trx);
      expect((await handler.answer(t.tdb.db, [bal])).deferred).toEqual([]);
      expect((await replies()).map((r) => r.inbound_id)).toEqual([bal]);
      let settled = false;
      langHandled = t.tdb.db
        .transaction()
        .execute((other) => handler.handle(other, [lang]))
        .finally(() => (settled = true));
      // LANG's transaction asks for the sender's lock and PostgreSQL makes it wait: seen in pg_locks.
      await waitFor('LANG waiting for the sender lock', async () => {
        const { rows } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM pg_locks
           WHERE locktype = 'advisory' AND NOT granted AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`.execute(t.tdb.db);
        return rows[0].n === 1;
      });
      expect(settled).toBe(false);
    }); // the commit releases the locks
    await langHandled;
    const marks = await t.tdb.db.selectFrom('inbound_messages').select(['id', 'status', 'command']).orderBy('id').execute();
    expect(marks).toEqual([
      { id: bal, status: 'processed', command: 'balance' },
      { id: lang, status: 'processed', command: 'lang' },
    ]);
    expect((await replies()).map((r) => r.inbound_id)).toEqual([bal, lang]);
  });

  it('two workers answering the same text at once answer it once, and count it once', async () => {
    const id = await record('PTS');
    const counted = async () => (await inboundTotal.get()).values.find((v) => v.labels.command === 'points' && v.labels.channel === 'dev')?.value ?? 0;
    const before = await counted();
    const results = await Promise.all([handler.answer(t.tdb.db, [id]), handler.answer(t.tdb.db, [id]), handler.answer(t.tdb.db, [id])]);
    expect(results.flatMap((r) => r.deferred)).toEqual([]);
    expect(await replies()).toEqual([{ inbound_id: id, body: '截至2026年11月28日 10:30，您的积分为128,450分。' }]);
    const audits = await t.tdb.db.selectFrom('audit_log').select('action').where('action', '=', 'command.points').execute();
    expect(audits).toHaveLength(1);
    expect((await counted()) - before).toBe(1);
  });

  it('leaves for a transaction a text whose sender has an earlier text unhandled, and one that is not read-only', async () => {
    const earlier = await record('LANG ZH');
    const bal = await record('BAL');
    const act = await record('ACT 1234 0101', '+8613900139000');
    expect((await handler.answer(t.tdb.db, [bal, act])).deferred.sort()).toEqual([bal, act].sort());
    expect(await replies()).toEqual([]);
    // In a transaction, in order: LANG first, then BAL sees it and answers in Chinese.
    await t.tdb.db.transaction().execute((trx) => handler.handle(trx, [earlier, bal]).then((h) => expect(h.deferred).toEqual([bal])));
    await t.tdb.db.transaction().execute((trx) => handler.handle(trx, [bal]));
    const rows = await replies();
    expect(rows.map((r) => r.inbound_id)).toEqual([earlier, bal]);
    expect(rows[1].body).toMatch(/^截至/);
  });

  it('texts arriving through the gateway take the quick way, rate limit included', async () => {
    await t.close();
    t = await testGateway({ env: { RATE_LIMIT_PER_MINUTE: '2' } });
    await t.gw.start();
    // The sender's lock is held throughout: only the way without a transaction can answer.
    await t.tdb.db.transaction().execute(async (trx) => {
      await sql`SELECT pg_advisory_xact_lock(hashtext(${LI}))`.execute(trx);
      // One at a time: a text whose sender has one still unhandled waits for the lock (order kept).
      for (let i = 0; i < 4; i++) {
        await t.gw.sink.inbound({ channel: 'dev', providerId: randomUUID(), from: LI, to: 'UPLINK', text: 'PTS' });
        await waitFor(
          `text ${i + 1} handled`,
          async () => (await t.tdb.db.selectFrom('inbound_messages').select('id').where('status', '=', 'received').execute()).length === 0,
        );
      }
      await waitFor('three replies', () => t.gw.dev.delivered.length === 3);
    });
    expect(t.gw.dev.delivered.map((d) => d.body)).toEqual([
      '截至2026年11月28日 10:30，您的积分为128,450分。',
      '截至2026年11月28日 10:30，您的积分为128,450分。',
      '您发送短信过于频繁，请一分钟后再试。',
    ]);
    const statuses = await t.tdb.db.selectFrom('inbound_messages').select('status').orderBy('id').execute();
    expect(statuses.map((s) => s.status)).toEqual(['processed', 'processed', 'rate_limited', 'rate_limited']);
  });

  it('recording a batch reads each new text as a batch would: rate-limit count, earlier text unhandled, sender', async () => {
    const WANG = '+8613900139000';
    await record('LANG ZH', WANG); // still unhandled
    const since = { minute: new Date(t.clock.now().getTime() - 60_000), day: new Date(t.clock.now().getTime() - 86_400_000), dayCap: 51 };
    const sms = (from: string, text: string, providerId: string = randomUUID()) => ({ channel: 'dev', providerId, from, to: 'UPLINK', text });
    const batch = [sms(LI, 'PTS'), sms(LI, 'BAL'), sms(WANG, 'BAL'), sms(LI, 'PTS', 'p-1'), sms(LI, 'PTS', 'p-1')];
    const out = await recordTexts(t.tdb.db, batch, 'CN', t.clock.now(), since);
    expect(out.map((a) => a.duplicate)).toEqual([false, false, false, false, true]);
    expect(out.map((a) => a.read?.recent)).toEqual([1, 2, 2, 3, undefined]);
    expect(out.map((a) => a.read?.today)).toEqual([1, 2, 2, 3, undefined]);
    expect(out.map((a) => a.read?.behind)).toEqual([false, false, true, false, undefined]);
    // What a batch reading them afterwards sees (its own earlier texts are in the batch, not behind).
    const ids = out.slice(0, 4).map((a) => a.id);
    const again = await readTexts(t.tdb.db, ids, since, false);
    const fields = (r: { id: number; recent: number; today: number; customer: unknown; cards: unknown; staff: unknown }) => ({
      id: r.id,
      recent: r.recent,
      today: r.today,
      customer: r.customer,
      cards: r.cards,
      staff: r.staff,
    });
    expect(out.slice(0, 4).map((a) => fields(a.read!))).toEqual(again.map(fields));
    expect(out[0].read?.customer).toMatchObject({ mobile: LI });
  });

  it('a burst is recorded without reading (its deliver_sm_resps wait for the INSERT only) and still answered once each', async () => {
    await t.gw.start();
    const n = READ_WHILE_RECORDING_MAX + 4;
    const from = (i: number) => `+86139001390${String(i).padStart(2, '0')}`;
    const sms = (i: number, text: string) => ({ channel: 'dev', providerId: randomUUID(), from: from(i), to: 'UPLINK', text });
    const burst = await Promise.all(Array.from({ length: n }, (_, i) => t.gw.pipeline.ingest(sms(i, i === 0 ? 'LANG EN' : 'BAL'))));
    expect(burst.map((a) => a.read)).toEqual(burst.map(() => undefined));
    const alone = await t.gw.pipeline.ingest(sms(n, 'PTS'));
    expect(alone.read).toMatchObject({ id: alone.id, text: 'PTS', recent: 1 });
    await Promise.all([...burst, alone].map((a) => a.handled));
    const marks = await t.tdb.db.selectFrom('inbound_messages').select(['status', 'command']).orderBy('id').execute();
    expect(marks).toEqual([
      { status: 'processed', command: 'lang' },
      ...Array.from({ length: n - 1 }, () => ({ status: 'processed', command: 'balance' })),
      { status: 'processed', command: 'points' },
    ]);
    const answered = await replies();
    expect(answered.map((r) => Number(r.inbound_id)).sort((a, b) => a - b)).toEqual([...burst, alone].map((a) => a.id));
  });
});
