import { describe, expect, it } from '@jest/globals';
import type { Pdu, SmBody } from '../../../src/transport/smpp/pdu';
import { deliverySignature, UnansweredDeliveries } from '../../../src/transport/smpp/redelivery';
import { smBody } from '../../helpers/smpp';

const deliver = (seq: number, over: Partial<SmBody> = {}, tlvs: [number, Buffer][] = []): Pdu => ({
  command: 'deliver_sm',
  command_status: 0,
  sequence_number: seq,
  tlvs: new Map(tlvs),
  sm: smBody({ registered_delivery: 0, data_coding: 0, short_message: Buffer.from('BAL'), ...over }),
});

describe('deliverySignature', () => {
  it.each([
    ['another sequence number', deliver(2), true],
    [
      'the same TLVs in another order',
      [
        deliver(1, {}, [
          [0x0424, Buffer.from('x')],
          [0x020c, Buffer.from([0, 1])],
        ]),
        deliver(2, {}, [
          [0x020c, Buffer.from([0, 1])],
          [0x0424, Buffer.from('x')],
        ]),
      ],
      true,
    ],
    ['another text', deliver(1, { short_message: Buffer.from('PTS') }), false],
    ['another sender', deliver(1, { source_addr: '8613800138001' }), false],
    ['another service number', deliver(1, { destination_addr: '95588' }), false],
    ['another data_coding', deliver(1, { data_coding: 3 }), false],
    ['a receipt flag', deliver(1, { esm_class: 0x04 }), false],
    ['another TLV value', [deliver(1, {}, [[0x020f, Buffer.from([1])]]), deliver(1, {}, [[0x020f, Buffer.from([2])]])], false],
  ] as const)('%s: same message %s', (_name, other, same) => {
    const [a, b] = Array.isArray(other) ? other : [deliver(1), other];
    expect(deliverySignature(a) === deliverySignature(b)).toBe(same);
  });
});

describe('UnansweredDeliveries', () => {
  it('knows a remembered deliver_sm once, under any sequence number', () => {
    const u = new UnansweredDeliveries();
    expect(u.take(deliver(1))).toBe(false);
    u.remember(deliver(1));
    expect(u.take(deliver(9, { short_message: Buffer.from('PTS') }))).toBe(false);
    expect(u.take(deliver(7))).toBe(true);
    expect(u.take(deliver(8))).toBe(false); // the customer sending it again is a new text
  });

  it('counts copies: two identical texts cut off are two redeliveries', () => {
    const u = new UnansweredDeliveries();
    u.remember(deliver(1));
    u.remember(deliver(2));
    expect([u.take(deliver(3)), u.take(deliver(4)), u.take(deliver(5))]).toEqual([true, true, false]);
  });

  it('forgets after its time: a redelivery that late is recorded again', () => {
    let now = 0;
    const u = new UnansweredDeliveries(60_000, 100, () => now);
    u.remember(deliver(1));
    now = 60_001;
    expect(u.take(deliver(2))).toBe(false);
    u.remember(deliver(3));
    now = 120_000;
    expect(u.take(deliver(4))).toBe(true);
  });

  it('keeps at most `max`, dropping the oldest', () => {
    const u = new UnansweredDeliveries(60_000, 2);
    for (const text of ['A', 'B', 'C']) u.remember(deliver(1, { short_message: Buffer.from(text) }));
    expect(['A', 'B', 'C'].map((text) => u.take(deliver(2, { short_message: Buffer.from(text) })))).toEqual([false, true, true]);
  });
});
