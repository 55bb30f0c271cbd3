import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { recordReport } from '../../../../src/core/outbox/receipts';
import { type ReceiptIdFormat, receiptIdReadings } from '../../../../src/transport/smpp/receipt';
import { testGateway, type TestGateway } from '../../../helpers/gateway';
import { ScriptedTransport } from '../../../helpers/transports';

const JOHN = '+16465550123';
let t: TestGateway;
let ids: string[];
beforeEach(async () => {
  ids = [];
  // An SMSC whose submit_sm_resp ids are decimal, handed out in the order the test sets.
  t = await testGateway({ transports: [new ScriptedTransport('smpp', () => ({ providerId: ids.shift()! }))] });
});
afterEach(async () => {
  await t.close();
});

/** Sends one message per id (the SMSC answering with that id); returns the message ids by provider id. */
async function sentWith(...providerIds: string[]): Promise<Map<string, number>> {
  ids.push(...providerIds);
  const rows = providerIds.map((_, i) => ({ to: JOHN, body: `m${i}`, locale: 'en' as const, template: 'test', class: 'service' as const }));
  await t.gw.outbox.enqueue(t.tdb.db, rows, t.clock.now());
  while ((await t.gw.dispatcher.runOnce()) > 0);
  const sent = await t.tdb.db.selectFrom('outbound_messages').select(['id', 'provider_id']).execute();
  return new Map(sent.map((r) => [r.provider_id!, r.id]));
}

/** A receipt as the SMPP transport reports it: every reading of its id under a format. */
const receipt = (id: string, state: 'undelivered' | 'delivered', format: ReceiptIdFormat = 'auto') => {
  const [providerId, ...alternatives] = receiptIdReadings(id, format);
  return recordReport(t.tdb.db, { channel: 'smpp', providerId, alternatives, state });
};
const statuses = async () =>
  Object.fromEntries((await t.tdb.db.selectFrom('outbound_messages').select(['provider_id', 'status']).execute()).map((r) => [r.provider_id, r.status]));

describe('receipt ids that read as two numbers', () => {
  it.each([
    ['10', '16'],
    ['1000', '4096'],
  ])('a receipt for %s or %s settles that message and no other', async (a, b) => {
    await sentWith(a, b); // "16" read as hex is 22, and "10" as hex is 16: the receipt for 16 must not find 10
    expect(await receipt(b, 'undelivered')).toBe('applied');
    expect(await statuses()).toEqual({ [a]: 'sent', [b]: 'undelivered' });
    expect(await receipt(`000000${a}`, 'delivered')).toBe('applied');
    expect(await statuses()).toEqual({ [a]: 'delivered', [b]: 'undelivered' });
  });

  it('applies a converted reading when it is the only message the receipt can mean', async () => {
    await sentWith('a1b'); // the SMSC answered hex, receipts come in decimal
    expect(await receipt('0000002587', 'delivered')).toBe('applied');
    expect(await statuses()).toEqual({ a1b: 'delivered' });
  });

  it('never guesses between two messages its converted readings name', async () => {
    await sentWith('3039', '74565'); // 12345 read as hex is 74565, as decimal-in-hex 3039
    expect(await receipt('12345', 'delivered')).toBe('unmatched');
    expect(await statuses()).toEqual({ '3039': 'sent', '74565': 'sent' });
  });

  it('learns an SMSC that answers in hex and receipts in decimal, then reads a receipt naming two messages its way', async () => {
    await sentWith('a1b', 'b2c', 'c3d', '1234', '4660');
    // Before any evidence, the literal reading wins: the receipt 4660 (0x1234) would settle message "4660".
    for (const [hex, decimal] of [
      ['a1b', '2587'],
      ['b2c', '2860'],
      ['c3d', '3133'],
    ]) {
      expect(await receipt(decimal!, 'delivered')).toBe('applied');
      expect((await statuses())[hex!]).toBe('delivered');
    }
    expect(await receipt('4660', 'delivered')).toBe('applied');
    expect(await statuses()).toMatchObject({ '1234': 'delivered', '4660': 'sent' });
  });

  it('keeps the literal reading first while the evidence is thin', async () => {
    await sentWith('a1b', '1234', '4660');
    expect(await receipt('2587', 'delivered')).toBe('applied'); // one receipt shows hex-decimal: not enough
    expect(await receipt('4660', 'delivered')).toBe('applied');
    expect(await statuses()).toMatchObject({ '1234': 'sent', '4660': 'delivered' });
  });

  it('reads only the configured convention when one is set (Kannel msg-id-type)', async () => {
    await sentWith('3039', '74565');
    expect(await receipt('12345', 'delivered', 'hex-decimal')).toBe('applied'); // hex in the response, decimal in the receipt
    expect(await statuses()).toEqual({ '3039': 'delivered', '74565': 'sent' });
  });
});
