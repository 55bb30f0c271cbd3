import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { MAX_INBOUND_PARTS } from '../../../src/core/inbound/normalize';
import { encodePdu } from '../../../src/transport/smpp/pdu';
import type { SmscSimulator } from '../../../src/transport/smpp/simulator';
import type { TestGateway } from '../../helpers/gateway';
import { smBody, smppGateway } from '../../helpers/smpp';
import { waitFor } from '../../helpers/wait';

// What reaches the gateway over SMPP: card numbers split across parts, sets of too many parts,
// and senders that are not phone numbers (TON 5) however much they look like one.

let t: TestGateway;
let smsc: SmscSimulator;
let seq = 5000;

let close: () => Promise<void>;

beforeAll(async () => {
  ({ t, smsc, close } = await smppGateway());
});
afterAll(async () => {
  await close();
});

/** The inbound rows whose text matches `like`, once every text is handled. */
async function handled(like: string) {
  await waitFor('handled', async () => (await t.tdb.db.selectFrom('inbound_messages').select('id').where('status', '=', 'received').execute()).length === 0);
  return t.tdb.db.selectFrom('inbound_messages').selectAll().where('text', 'like', like).execute();
}

describe('concatenated texts', () => {
  it('masks a card number split across two parts in the joined text, and keeps no part once the set is complete', async () => {
    const text = `${'x'.repeat(150)} 4111 1111 1111 1111 thanks`; // the number starts at character 151: parts 1 and 2
    expect(await smsc.inject('+8613800138000', '95555', text)).toEqual([0, 0]);
    await waitFor('recorded', async () => (await handled('xxx%')).length === 1);
    const [row] = await handled('xxx%');
    expect(row.text).toBe(`${'x'.repeat(150)} **** **** **** 1111 thanks`);
    expect(await t.tdb.db.selectFrom('inbound_parts').selectAll().execute()).toEqual([]);
  });

  it(`takes the first ${MAX_INBOUND_PARTS} parts of a longer set, ending in …, and acknowledges the rest`, async () => {
    const text = 'y'.repeat(153 * (MAX_INBOUND_PARTS + 1)); // 17 GSM-7 parts of 153 characters
    const statuses = await smsc.inject('+16465550123', '95555', text);
    expect(statuses).toEqual(new Array(MAX_INBOUND_PARTS + 1).fill(0));
    await waitFor('recorded', async () => (await handled('yyy%')).length === 1);
    const [row] = await handled('yyy%');
    expect(row.text).toBe(`${'y'.repeat(153 * MAX_INBOUND_PARTS)}…`);
    expect(await t.tdb.db.selectFrom('inbound_parts').selectAll().execute()).toEqual([]);
  });
});

describe('senders that are not phone numbers', () => {
  /** A deliver_sm from `addr` with TON 5 (alphanumeric) carrying `text` in GSM-7. */
  function alphanumeric(addr: string, text: string): void {
    const sm = smBody({
      source_addr_ton: 5,
      source_addr_npi: 0,
      source_addr: addr,
      registered_delivery: 0,
      data_coding: 0,
      short_message: Buffer.from(text, 'latin1'),
    });
    smsc.sendRaw(encodePdu({ command: 'deliver_sm', command_status: 0, sequence_number: seq++, sm }));
  }

  it('never identifies a TON 5 sender as the customer or staff member whose number it spells, and never answers it', async () => {
    const before = await t.tdb.db.selectFrom('outbound_messages').select('id').execute();
    alphanumeric('8613800138000', 'BAL'); // 李伟's number, as an alphanumeric sender
    alphanumeric('+8613700137000', 'LIST'); // the demo agent's phone
    alphanumeric('BANK', 'PTS');
    await waitFor(
      'three recorded',
      async () => (await t.tdb.db.selectFrom('inbound_messages').select('id').where('from_number', 'like', 'alnum:%').execute()).length === 3,
    );
    await handled('%');
    const rows = await t.tdb.db
      .selectFrom('inbound_messages')
      .select(['from_number', 'customer_id', 'staff_id', 'status', 'command'])
      .where('from_number', 'like', 'alnum:%')
      .orderBy('id')
      .execute();
    expect(rows).toEqual([
      { from_number: 'alnum:8613800138000', customer_id: null, staff_id: null, status: 'processed', command: 'balance' },
      { from_number: 'alnum:+8613700137000', customer_id: null, staff_id: null, status: 'processed', command: 'unknown' },
      { from_number: 'alnum:BANK', customer_id: null, staff_id: null, status: 'processed', command: 'points' },
    ]);
    const after = await t.tdb.db.selectFrom('outbound_messages').select(['id', 'to_number']).execute();
    expect(after.length).toBe(before.length);
    // The same texts from the real numbers are answered as theirs.
    expect(await smsc.inject('+8613800138000', '95555', 'PTS')).toEqual([0]);
    await waitFor('answered', () => smsc.submits.some((s) => s.to === '8613800138000' && s.text.includes('128,450')));
  });
});
