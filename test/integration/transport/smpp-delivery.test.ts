import { afterEach, describe, expect, it } from '@jest/globals';
import { encodeGsm7 } from '../../../src/transport/codec/gsm7';
import { encodePdu, STATUS } from '../../../src/transport/smpp/pdu';
import { SmppTransport } from '../../../src/transport/smpp/smpp.transport';
import { SmscSimulator } from '../../../src/transport/smpp/simulator';
import { TestClock, testGateway, type TestGateway } from '../../helpers/gateway';
import { smBody } from '../../helpers/smpp';
import { waitFor } from '../../helpers/wait';

const JOHN = '+16465550123';
const cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

/** A gateway bound to a simulated SMSC, on a clock that runs in real time (retries fall due by themselves). */
async function boundTo(sim: SmscSimulator = new SmscSimulator({ receipts: false })): Promise<TestGateway> {
  const port = await sim.start();
  const esme = new SmppTransport({ host: '127.0.0.1', port, systemId: 'uplink', password: 'pw', sender: { addr: '95555' }, reconnectMs: 50 });
  const t = await testGateway({ transports: [esme], clock: TestClock.realTime() });
  cleanup.push(
    () => sim.stop(),
    () => t.close(),
  );
  await t.gw.start();
  await waitFor('bind', () => esme.isUp());
  return t;
}

const inbound = (t: TestGateway) => t.tdb.db.selectFrom('inbound_messages').select(['text', 'status', 'command', 'incomplete']).orderBy('id').execute();
const repliesTo = async (t: TestGateway, to: string) =>
  (await t.tdb.db.selectFrom('outbound_messages').select(['body', 'status']).where('to_number', '=', to).orderBy('id').execute()).map((r) => r.body);

describe('a long reply whose later part the SMSC throttles', () => {
  it('sends again only the refused part, with the same reference, and never the accepted ones', async () => {
    const sim = new SmscSimulator({ statusFor: (n) => (n % 3 === 0 ? STATUS.ESME_RTHROTTLED : 0), receipts: false });
    const t = await boundTo(sim);
    const customer = await t.tdb.db.selectFrom('customers').selectAll().where('mobile', '=', '+85291234567').executeTakeFirstOrThrow();
    const body = `陳美玲您好：${'本期賬單已發出，請於到期日前繳付最低還款額。'.repeat(8)}`; // UCS-2, 3 parts
    await t.gw.notifier.toCustomer(t.tdb.db, customer, 'bill.report', { asOf: 'none', lines: body, note: '' }, { class: 'service', now: t.clock.now() });
    t.gw.dispatcher.kick();
    await waitFor('every part at the SMSC', () => sim.submits.length >= 3);
    const parts = sim.submits.map((s) => s.concat);
    expect(parts.map((p) => p?.seq).sort()).toEqual([1, 2, 3]); // each part accepted once: part 3 refused once, then sent alone
    expect(new Set(parts.map((p) => p?.ref)).size).toBe(1);
    expect(parts.every((p) => p?.total === 3)).toBe(true);
    expect(sim.throttledCount).toBe(1);
    await waitFor(
      'the message sent',
      async () => (await t.tdb.db.selectFrom('outbound_messages').select('status').executeTakeFirstOrThrow()).status === 'sent',
    );
    const row = await t.tdb.db.selectFrom('outbound_messages').select(['provider_id', 'attempts', 'concat_ref']).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ provider_id: sim.submits.find((s) => s.concat?.seq === 1)!.id.toLowerCase(), concat_ref: parts[0]!.ref });
    const stored = await t.tdb.db.selectFrom('outbound_parts').select(['part_no', 'provider_id']).orderBy('part_no').execute();
    expect(stored.map((p) => p.part_no)).toEqual([1, 2, 3]);
  });
});

describe('parts of long texts', () => {
  it('acknowledges a late copy of a part of a text already answered, without a new text or reply', async () => {
    const sim = new SmscSimulator({ receipts: false });
    const t = await boundTo(sim);
    expect(await sim.injectParts(JOHN, '95555', ['P', 'T', 'S'], 77)).toEqual([0, 0, 0]);
    await waitFor('the answer', async () => (await repliesTo(t, JOHN)).length === 1);
    expect(await sim.injectParts(JOHN, '95555', ['P', 'T', 'S'], 77, [3])).toEqual([0]); // the SMSC delivers part 3 again
    expect(await t.tdb.db.selectFrom('inbound_parts').selectAll().execute()).toEqual([]); // no new set begun
    expect(await t.gw.parts.flushStale(0)).toBe(0);
    expect(await inbound(t)).toEqual([{ text: 'PTS', status: 'processed', command: 'points', incomplete: false }]);
    expect(await repliesTo(t, JOHN)).toEqual([expect.stringMatching(/^You have 3,150 reward points \(as of .+\)\.$/)]);
    // The same reference later with other text is a new set, not a copy.
    expect(await sim.injectParts(JOHN, '95555', ['H', 'E', 'LP'], 77, [3])).toEqual([0]);
    expect(await t.tdb.db.selectFrom('inbound_parts').select('text').execute()).toEqual([{ text: 'LP' }]);
  });

  it("records a set that timed out incomplete as incomplete and asks for it again, in the sender's language", async () => {
    const sim = new SmscSimulator({ receipts: false });
    const t = await boundTo(sim);
    expect(await sim.injectParts(JOHN, '95555', ['BAL', 'ANCE P', 'LEASE'], 78, [1, 2])).toEqual([0, 0]);
    expect(await t.gw.parts.flushStale(0)).toBe(1);
    expect(await inbound(t)).toEqual([{ text: 'BALANCE P…', status: 'processed', command: 'incomplete', incomplete: true }]);
    await waitFor('the answer', async () => (await repliesTo(t, JOHN)).length === 1);
    expect(await repliesTo(t, JOHN)).toEqual(['Part of your message was lost on the way, so we could not read it. Please send it again.']);
  });
});

describe('a deliver_sm whose user data header cannot be read', () => {
  const withUdh = (header: string, text: string) => Buffer.concat([Buffer.from(header.replace(/ /g, ''), 'hex'), encodeGsm7(text)]);
  const deliver = (seq: number, shortMessage: Buffer) =>
    encodePdu({
      command: 'deliver_sm',
      command_status: 0,
      sequence_number: seq,
      sm: smBody({ source_addr: '16465550123', esm_class: 0x40, data_coding: 0, short_message: shortMessage }),
    });

  it('is refused with a permanent error (ESME_RX_P_APPN), not a temporary one the SMSC would retry for ever', async () => {
    const sim = new SmscSimulator({ receipts: false });
    const t = await boundTo(sim);
    sim.sendRaw(deliver(9001, Buffer.from('09000301', 'hex'))); // UDH length 9 in a 4-byte message
    await waitFor('the answer', () => sim.unmatched.length === 1);
    expect(sim.unmatched.map((p) => [p.command, p.command_status, p.sequence_number])).toEqual([['deliver_sm_resp', STATUS.ESME_RX_P_APPN, 9001]]);
    expect(await inbound(t)).toEqual([]);
  });

  it('reads the payload behind impossible part numbers as a text of its own', async () => {
    const sim = new SmscSimulator({ receipts: false });
    const t = await boundTo(sim);
    sim.sendRaw(deliver(9002, withUdh('05 0003 2a 02 03', 'PTS'))); // part 3 of 2
    await waitFor('the answer', () => sim.unmatched.length === 1);
    expect(sim.unmatched[0]).toMatchObject({ command: 'deliver_sm_resp', command_status: 0 });
    await waitFor('the reply', async () => (await repliesTo(t, JOHN)).length === 1);
    expect(await inbound(t)).toEqual([{ text: 'PTS', status: 'processed', command: 'points', incomplete: false }]);
  });
});
