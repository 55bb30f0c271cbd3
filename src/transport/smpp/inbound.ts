import type { TransportSink } from '../types';
import { receivedAddress } from './address';
import { decodeShortMessage } from './coding';
import { type Pdu, TLV } from './pdu';
import { parseReceipt, type ReceiptIdFormat, receiptIdReadings } from './receipt';
import { parseUdh } from './udh';

/**
 * A deliver_sm whose content cannot be read (a user data header that overruns its message): a
 * permanent error for the SMSC, which must not deliver the same bytes again and again.
 */
export class MalformedMessage extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'MalformedMessage';
  }
}

/**
 * Hands one deliver_sm to the core: a delivery receipt (esm_class 0x04), a part of a concatenated
 * text (UDH or SAR TLVs), or a whole text (short_message or message_payload). Resolves once the core
 * has committed it; rejects when it could not be recorded, or (MalformedMessage) when it cannot be read.
 */
export async function deliverToSink(channel: string, pdu: Pdu, sink: TransportSink, receiptIds: ReceiptIdFormat = 'auto'): Promise<void> {
  const sm = pdu.sm!;
  const from = receivedAddress(sm.source_addr, sm.source_addr_ton);
  const payload = pdu.tlvs.get(TLV.message_payload) ?? sm.short_message;
  if (sm.esm_class & 0x04) {
    const receipt = parseReceipt(decodeShortMessage(sm.data_coding, payload), {
      receiptedMessageId: pdu.tlvs.get(TLV.receipted_message_id)?.toString('latin1'),
      messageState: pdu.tlvs.get(TLV.message_state)?.[0],
    });
    if (!receipt) return;
    const [providerId, ...alternatives] = receiptIdReadings(receipt.id, receiptIds);
    await sink.report({ channel, providerId, alternatives, state: receipt.state, errorCode: receipt.error });
    return;
  }
  // deliver_sm carries no message id: each is a new text (see UnansweredDeliveries for redeliveries).
  const base = { channel, from, to: sm.destination_addr };
  const unique = `${pdu.sequence_number}:${Date.now()}`;
  if (sm.esm_class & 0x40) {
    const udh = parseUdh(payload);
    if (!udh.ok) throw new MalformedMessage(udh.error);
    const text = decodeShortMessage(sm.data_coding, udh.payload);
    if (udh.concat) return sink.inboundPart({ ...base, providerId: `${from}:${udh.concat.ref}:${udh.concat.seq}:${unique}`, text, ...udh.concat });
    return sink.inbound({ ...base, providerId: `${from}:${unique}`, text });
  }
  const text = decodeShortMessage(sm.data_coding, payload);
  const sarRef = pdu.tlvs.get(TLV.sar_msg_ref_num);
  const sarTotal = pdu.tlvs.get(TLV.sar_total_segments);
  const sarSeq = pdu.tlvs.get(TLV.sar_segment_seqnum);
  // SAR TLVs of the wrong size, or naming an impossible part, are not a set: the text stands alone.
  if (sarRef?.length === 2 && sarTotal?.length === 1 && sarSeq?.length === 1 && sarSeq[0] >= 1 && sarSeq[0] <= sarTotal[0]) {
    const ref = sarRef.readUInt16BE(0);
    return sink.inboundPart({ ...base, providerId: `${from}:sar:${ref}:${sarSeq[0]}:${unique}`, text, ref, total: sarTotal[0], seq: sarSeq[0] });
  }
  return sink.inbound({ ...base, providerId: `${from}:${unique}`, text });
}
