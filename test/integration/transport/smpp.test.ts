import pg from 'pg';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { encodePdu, STATUS } from '../../../src/transport/smpp/pdu';
import { SmppTransport } from '../../../src/transport/smpp/smpp.transport';
import { SmscSimulator } from '../../../src/transport/smpp/simulator';
import { testGateway, type TestGateway } from '../../helpers/gateway';
import { smBody } from '../../helpers/smpp';
import { waitFor } from '../../helpers/wait';

const LI = '+8613800138000';
const JOHN = '+16465550123';
let t: TestGateway;
let smsc: SmscSimulator;
let smpp: SmppTransport;
const log: string[] = [];
/** What the ESME logged (pino lines). */
const esmeLog: { msg: string; reason?: string }[] = [];

beforeAll(async () => {
  smsc = new SmscSimulator({ log: (l) => log.push(l) });
  const port = await smsc.start();
  const esmeLogger = pino({ level: 'info' }, { write: (line: string) => void esmeLog.push(JSON.parse(line)) });
  smpp = new SmppTransport({
    host: '127.0.0.1',
    port,
    systemId: 'uplink',
    password: 'pw',
    sender: { addr: '95555' },
    enquireLinkMs: 200,
    reconnectMs: 50,
    responseTimeoutMs: 2000,
    log: esmeLogger,
  });
  t = await testGateway({ transports: [smpp] });
  await t.gw.start(0);
  await waitFor('bind', () => smpp.isUp());
});
afterAll(async () => {
  await t.close();
  await smsc.stop();
});

/** A deliver_sm body from a phone to the service number. */
const SM = smBody({ source_addr: '16465550123', registered_delivery: 0, data_coding: 0, short_message: Buffer.alloc(0) });

const outRow = (template: string) =>
  t.tdb.db.selectFrom('outbound_messages').selectAll().where('template', '=', template).orderBy('id', 'desc').executeTakeFirstOrThrow();

describe('SMPP ESME against the simulator', () => {
  it('binds as a transceiver with interface_version 0x34', () => {
    expect(log[0]).toBe('bind bind_transceiver uplink v0x34');
  });

  it('receives a 3-part Chinese text, reassembles it, and answers in Chinese, every part of the reply receipted', async () => {
    const text = `帮助${'请问这个短信服务怎么使用'.repeat(12)}`; // > 134 UTF-16 units: 3 parts; answered with the menu, 2 parts
    expect(await smsc.inject(LI, '95555', text)).toEqual([0, 0, 0]);
    await waitFor('the text', async () => (await t.tdb.db.selectFrom('inbound_messages').select('status').execute()).some((r) => r.status === 'processed'));
    const inbound = await t.tdb.db.selectFrom('inbound_messages').select(['text', 'from_number', 'channel']).executeTakeFirstOrThrow();
    expect(inbound).toEqual({ text, from_number: LI, channel: 'smpp' });
    await waitFor('the reply', async () => {
      const reply = await t.tdb.db.selectFrom('outbound_messages').select('status').where('to_number', '=', LI).executeTakeFirst();
      return reply !== undefined && reply.status !== 'queued';
    });
    await waitFor('three submits', () => smsc.submits.length >= 2);
    const parts = smsc.submits.filter((s) => s.to === '8613800138000');
    expect(parts.every((p) => p.dataCoding === 8)).toBe(true);
    expect(parts.map((p) => p.concat?.seq)).toEqual(parts.map((_, i) => i + 1));
    const reply = await t.tdb.db.selectFrom('outbound_messages').selectAll().where('to_number', '=', LI).executeTakeFirstOrThrow();
    expect(parts.map((p) => p.text).join('')).toBe(reply.body);
    expect(reply.segments).toBe(parts.length);
    await waitFor(
      'every part receipted',
      async () => (await t.tdb.db.selectFrom('outbound_messages').select('status').where('id', '=', reply.id).executeTakeFirstOrThrow()).status === 'delivered',
    );
    expect(await t.tdb.db.selectFrom('outbound_parts').select('status').where('outbound_id', '=', reply.id).execute()).toEqual(
      parts.map(() => ({ status: 'delivered' })),
    );
  });

  it('sends a 3-part Chinese text as UCS-2 parts with one UDH reference, and settles it when all 3 receipts are in', async () => {
    const body = `尊敬的客户：${'您的账户有新的优惠活动，'.repeat(12)}`;
    const before = smsc.submits.length;
    const [id] = await t.gw.outbox.enqueue(t.tdb.db, [{ to: LI, body, locale: 'zh-CN', template: 'test.long', class: 'service' }], t.clock.now());
    t.gw.dispatcher.kick();
    await waitFor('3 submits', () => smsc.submits.length >= before + 3);
    const parts = smsc.submits.slice(before);
    expect(parts.map((p) => [p.dataCoding, p.concat?.total, p.concat?.seq])).toEqual([
      [8, 3, 1],
      [8, 3, 2],
      [8, 3, 3],
    ]);
    expect(new Set(parts.map((p) => p.concat?.ref)).size).toBe(1);
    expect(parts.map((p) => p.text).join('')).toBe(body);
    await waitFor(
      'delivered',
      async () => (await t.tdb.db.selectFrom('outbound_messages').select('status').where('id', '=', id).executeTakeFirstOrThrow()).status === 'delivered',
    );
    expect(await t.tdb.db.selectFrom('outbound_parts').select(['part_no', 'status']).where('outbound_id', '=', id).orderBy('part_no').execute()).toEqual([
      { part_no: 1, status: 'delivered' },
      { part_no: 2, status: 'delivered' },
      { part_no: 3, status: 'delivered' },
    ]);
  });

  it('sends GSM extension characters as GSM-7 (data_coding 0) intact', async () => {
    const before = smsc.submits.length;
    await t.gw.outbox.enqueue(
      t.tdb.db,
      [{ to: JOHN, body: 'Fee €5 {waived} [ok] ~^|\\', locale: 'en', template: 'test.gsm', class: 'service' }],
      t.clock.now(),
    );
    t.gw.dispatcher.kick();
    await waitFor('submit', () => smsc.submits.length > before);
    expect(smsc.submits.at(-1)).toMatchObject({ dataCoding: 0, text: 'Fee €5 {waived} [ok] ~^|\\', to: '16465550123' });
  });

  it('requeues on ESME_RTHROTTLED (0x58) and sends once the SMSC takes it', async () => {
    smsc.throttleNext(1);
    await t.gw.outbox.enqueue(t.tdb.db, [{ to: JOHN, body: 'throttle me', locale: 'en', template: 'test.throttle', class: 'service' }], t.clock.now());
    t.gw.dispatcher.kick(); // the gateway's own dispatcher is running
    await waitFor('the throttled answer', async () => (await outRow('test.throttle')).last_error !== null);
    expect(await outRow('test.throttle')).toMatchObject({ status: 'queued', attempts: 0, last_error: 'throttled 0x58: submit_sm refused (0x58)' });
    t.clock.advance(2000);
    t.gw.dispatcher.kick();
    await waitFor('sent after throttling', async () => ['sent', 'delivered'].includes((await outRow('test.throttle')).status));
  });

  it('survives an unknown command_id, a truncated deliver_sm and one with a bad sm_length, answering each', async () => {
    const unknown = Buffer.alloc(16);
    unknown.writeUInt32BE(16, 0);
    unknown.writeUInt32BE(0x00000077, 4);
    unknown.writeUInt32BE(901, 12);
    smsc.sendRaw(unknown);
    const truncated = Buffer.from('0000001a0000000500000000000003840001', 'hex'); // deliver_sm #900 cut after two fields
    truncated.writeUInt32BE(truncated.length, 0);
    smsc.sendRaw(truncated);
    const badLength = encodePdu({ command: 'deliver_sm', command_status: 0, sequence_number: 902, sm: { ...SM, short_message: Buffer.from('BAL', 'latin1') } });
    badLength[badLength.length - 4] = 140; // sm_length 140 where 3 octets follow
    smsc.sendRaw(badLength);
    await waitFor('three answers', () => smsc.unmatched.length >= 3);
    expect(smsc.unmatched.map((p) => [p.command, p.command_status, p.sequence_number])).toEqual([
      ['generic_nack', STATUS.ESME_RINVCMDID, 901],
      ['deliver_sm_resp', STATUS.ESME_RINVMSGLEN, 900],
      ['deliver_sm_resp', STATUS.ESME_RINVMSGLEN, 902],
    ]);
    expect(smpp.isUp()).toBe(true);
    const answered = smsc.submits.length;
    expect(await smsc.inject(JOHN, '95555', 'PTS')).toEqual([0]);
    await waitFor('the PTS answered', () => smsc.submits.slice(answered).some((x) => x.to === JOHN.slice(1)));
    const malformed = esmeLog.filter((l) => l.msg === 'SMPP: malformed PDU from the SMSC').map((l) => l.reason);
    expect(malformed).toEqual([
      expect.stringContaining('unknown command_id 0x00000077'),
      expect.stringMatching(/^deliver_sm: truncated/),
      'deliver_sm: short_message runs past the end of the PDU',
    ]);
  });

  it('fails a submit whose submit_sm_resp cannot be read as it arrives (not by its timer), as of unknown outcome, and sends the next', async () => {
    smsc.garbleNext(1);
    await t.gw.outbox.enqueue(t.tdb.db, [{ to: JOHN, body: 'unreadable answer', locale: 'en', template: 'test.garbled', class: 'service' }], t.clock.now());
    t.gw.dispatcher.kick();
    await waitFor('settled', async () => (await outRow('test.garbled')).status !== 'queued' && (await outRow('test.garbled')).status !== 'sending');
    expect(await outRow('test.garbled')).toMatchObject({
      status: 'unknown',
      last_error: expect.stringContaining('unreadable answer to submit_sm: submit_sm_resp: message_id is not NUL-terminated'),
    }); // not its timer's "no response"
    await t.gw.outbox.enqueue(t.tdb.db, [{ to: JOHN, body: 'next one', locale: 'en', template: 'test.after-garbled', class: 'service' }], t.clock.now());
    t.gw.dispatcher.kick();
    await waitFor('the next sent', async () => ['sent', 'delivered'].includes((await outRow('test.after-garbled')).status));
    expect(smpp.isUp()).toBe(true);
  });

  it('reconnects after a PDU with an impossible length drops the link', async () => {
    const bad = Buffer.alloc(8);
    bad.writeUInt32BE(0xffffffff, 0);
    smsc.sendRaw(bad);
    await waitFor('drop', () => !smpp.isUp(), 2000).catch(() => {});
    await waitFor('rebind', () => smpp.isUp() && smsc.sessions === 1, 5000);
    expect(esmeLog.some((l) => l.msg === 'SMPP: reconnecting')).toBe(true);
    expect(await smsc.inject(JOHN, '95555', 'PTS')).toEqual([0]);
  });
});

describe('SMSC restart mid-traffic', () => {
  it('loses no message: sends wait while the link is down and go out after the rebind', async () => {
    const port = smsc.port;
    const old = smsc;
    const values = Array.from({ length: 20 }, (_, i) => ({
      to: `+1646555${String(1000 + i)}`,
      body: `notice ${i}`,
      locale: 'en' as const,
      template: 'test.restart',
      class: 'service' as const,
    }));
    await t.gw.outbox.enqueue(t.tdb.db, values.slice(0, 10), t.clock.now());
    t.gw.dispatcher.kick();
    await smsc.stop(); // mid-traffic: some of the first ten may be in flight
    await t.gw.outbox.enqueue(t.tdb.db, values.slice(10), t.clock.now());
    t.gw.dispatcher.kick();
    await waitFor('link down', () => !smpp.isUp());
    const restarted = new SmscSimulator();
    await restarted.start(port);
    smsc = restarted;
    await waitFor('rebind', () => smpp.isUp(), 10_000);
    const rows = () => t.tdb.db.selectFrom('outbound_messages').select(['id', 'status']).where('template', '=', 'test.restart').execute();
    await waitFor(
      'all settled',
      async () => {
        t.clock.advance(6_000); // past the "no transport up" wait
        t.gw.dispatcher.kick();
        return (await rows()).every((r) => !['queued', 'sending'].includes(r.status));
      },
      15_000,
    );
    const statuses = (await rows()).map((r) => r.status);
    // Nothing lost: every message was sent, except any whose submit was in flight when the SMSC died,
    // which is `unknown` (never resent blindly).
    expect(statuses.filter((x) => x !== 'sent' && x !== 'delivered' && x !== 'unknown')).toEqual([]);
    const submitted = [...old.submits, ...restarted.submits].map((x) => x.text).filter((x) => x.startsWith('notice '));
    expect(new Set(submitted).size).toBe(submitted.length); // nothing sent twice
    const afterRestart = new Set(restarted.submits.map((x) => x.text));
    expect(values.slice(10).every((v) => afterRestart.has(v.body))).toBe(true); // queued while down, sent after
  });
});

describe('SMSC restart mid-traffic, inbound', () => {
  it('loses no text and records none twice: acknowledged means committed, and one committed after its link died is not recorded again when redelivered', async () => {
    const port = smsc.port;
    const senders = Array.from({ length: 10 }, (_, i) => `+1646555${String(3000 + i)}`);
    const rows = async () =>
      (await t.tdb.db.selectFrom('inbound_messages').select('from_number').where('from_number', 'in', senders).execute()).map((r) => r.from_number);
    for (const from of senders.slice(0, 5)) expect(await smsc.inject(from, '95555', 'PTS')).toEqual([0]);
    expect((await rows()).sort()).toEqual(senders.slice(0, 5)); // acknowledged ⇒ committed

    // The next five reach the gateway while the database holds their INSERT; the SMSC dies meanwhile.
    const lock = new pg.Client({ connectionString: t.tdb.url });
    await lock.connect();
    await lock.query('BEGIN; LOCK TABLE inbound_messages IN SHARE ROW EXCLUSIVE MODE');
    const cutOff = senders.slice(5).map((from) =>
      smsc.inject(from, '95555', 'PTS').then(
        () => 'acknowledged',
        () => 'cut off',
      ),
    );
    await waitFor(
      'recording blocked',
      async () => (await lock.query("SELECT 1 FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()")).rowCount! > 0,
    );
    await smsc.stop();
    expect(await Promise.all(cutOff)).toEqual(senders.slice(5).map(() => 'cut off')); // no deliver_sm_resp before the commit
    await lock.query('COMMIT');
    await lock.end();
    await waitFor('the five committed, their answers nowhere to go', async () => (await rows()).length === 10);

    smsc = new SmscSimulator();
    await smsc.start(port);
    await waitFor('rebind', () => smpp.isUp() && smsc.sessions === 1, 10_000);
    for (const from of senders.slice(5)) expect(await smsc.inject(from, '95555', 'PTS')).toEqual([0]); // the SMSC delivers them again
    // Each was committed after its link had gone, so its redelivery is acknowledged, not recorded twice.
    expect((await rows()).sort()).toEqual(senders);
    expect(esmeLog.filter((l) => l.msg === 'SMPP: deliver_sm delivered again after its answer was lost; already recorded')).toHaveLength(5);
    expect(await smsc.inject(senders[5], '95555', 'PTS')).toEqual([0]); // the same text again later is a new text
    await waitFor('recorded', async () => (await rows()).filter((x) => x === senders[5]).length === 2);
  });
});

describe('separate transmitter and receiver binds', () => {
  it('binds twice, submits on the transmitter and receives texts and receipts on the receiver', async () => {
    const sim = new SmscSimulator({ log: (l) => lines.push(l) });
    const lines: string[] = [];
    const port = await sim.start();
    const esme = new SmppTransport({ host: '127.0.0.1', port, systemId: 'uplink', password: 'pw', sender: { addr: '95555' }, bindMode: 'split' });
    const got: string[] = [];
    const reports: string[] = [];
    await esme.start({
      inbound: async (sms) => void got.push(sms.text),
      inboundPart: async () => {},
      report: async (r) => {
        reports.push(r.state);
        return 'applied';
      },
    });
    try {
      expect(esme.isUp()).toBe(true);
      expect(lines.filter((l) => l.startsWith('bind')).sort()).toEqual(['bind bind_receiver uplink v0x34', 'bind bind_transmitter uplink v0x34']);
      await esme.send({ id: 1, to: '+16465550123', body: 'hello', class: 'service', tier: null });
      expect(await sim.inject('+16465550123', '95555', 'PTS')).toEqual([0]);
      await waitFor('receipt', () => reports.length === 1);
      expect(got).toEqual(['PTS']);
      expect(reports).toEqual(['delivered']);
    } finally {
      await esme.stop();
      await sim.stop();
    }
  });
});

describe('when the text cannot be recorded', () => {
  it('answers deliver_sm with ESME_RX_T_APPN (0x64) so the SMSC keeps it and retries', async () => {
    const sim = new SmscSimulator();
    const port = await sim.start();
    const esme = new SmppTransport({ host: '127.0.0.1', port, systemId: 'uplink', password: 'pw', sender: { addr: '95555' }, reconnectMs: 50 });
    let fail = true;
    const recorded: string[] = [];
    await esme.start({
      inbound: async (sms) => {
        if (fail) throw new Error('database unavailable');
        recorded.push(sms.text);
      },
      inboundPart: async () => {},
      report: async () => 'applied',
    });
    try {
      expect(await sim.inject('+8613800138000', '95555', 'BAL')).toEqual([0x64]);
      fail = false;
      expect(await sim.inject('+8613800138000', '95555', 'BAL')).toEqual([0]);
      expect(recorded).toEqual(['BAL']);
    } finally {
      await esme.stop();
      await sim.stop();
    }
  });
});
