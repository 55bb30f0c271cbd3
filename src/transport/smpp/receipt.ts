import { type IdConvention, readIdAs } from '../../shared/id-readings';
/** A delivery receipt as read from a deliver_sm. */
export interface SmppReceipt {
  id: string;
  state: 'accepted' | 'sent' | 'delivered' | 'undelivered' | 'failed' | 'expired' | 'unknown';
  error?: string;
}

// The message states of SMPP 3.4 §5.2.28 (message_state TLV), as a literal table.
const BY_TLV: Readonly<Record<number, SmppReceipt['state']>> = {
  1: 'sent', // ENROUTE
  2: 'delivered', // DELIVERED
  3: 'expired', // EXPIRED
  4: 'failed', // DELETED
  5: 'undelivered', // UNDELIVERABLE
  6: 'accepted', // ACCEPTED
  7: 'unknown', // UNKNOWN
  8: 'failed', // REJECTED
};

// The stat: words of the receipt text (SMPP 3.4 Appendix B), first seven letters matter.
const BY_STAT: Readonly<Record<string, SmppReceipt['state']>> = {
  ENROUTE: 'sent',
  DELIVRD: 'delivered',
  EXPIRED: 'expired',
  DELETED: 'failed',
  UNDELIV: 'undelivered',
  ACCEPTD: 'accepted',
  UNKNOWN: 'unknown',
  REJECTD: 'failed',
};

/**
 * Reads a receipt: the receipted_message_id and message_state TLVs when present (jasmin's order),
 * else the text `id:… sub:… dlvrd:… submit date:… done date:… stat:… err:… text:…`. Keys are
 * case-insensitive; the `text:` field, which may itself contain `id:` or `stat:`, is cut off first.
 */
export function parseReceipt(text: string, tlv: { receiptedMessageId?: string; messageState?: number } = {}): SmppReceipt | null {
  const head = text.split(/\btext:/i)[0];
  const field = (name: string) => new RegExp(`(?:^|\\s)${name}:\\s*(\\S+)`, 'i').exec(head)?.[1];
  const id = tlv.receiptedMessageId?.replace(/\0+$/, '') || field('id');
  if (!id) return null;
  const tlvState = tlv.messageState !== undefined ? BY_TLV[tlv.messageState] : undefined;
  const stat = field('stat')?.toUpperCase().slice(0, 7);
  const state = tlvState ?? (stat ? BY_STAT[stat] : undefined) ?? 'unknown';
  const err = field('err');
  return { id, state, error: err && !/^0+$/.test(err) ? err : undefined };
}

/**
 * The forms a message id may take between submit_sm_resp and its receipt: SMSCs disagree on hex
 * against decimal and on leading zeros (`0A1B` in the response, `2587` or `0000002587` in the
 * receipt). Returns every normalised reading, the literal one first.
 */
export function idCandidates(id: string): string[] {
  const literal = id
    .trim()
    .toLowerCase()
    .replace(/^0+(?=.)/, '');
  const out = [literal, readIdAs(literal, 'hex-decimal'), readIdAs(literal, 'decimal-hex')].filter((r) => r !== undefined);
  return [...new Set(out)];
}

/**
 * How an SMSC's receipt ids relate to its submit_sm_resp ids (Kannel's `msg-id-type`): the same
 * string, hex in the response and decimal in the receipt, the other way round, or `auto` (unknown).
 */
export type ReceiptIdFormat = 'auto' | IdConvention;

/**
 * The readings of a receipt's id under which its message was recorded (the normalised
 * submit_sm_resp id), the one to prefer first. A configured format gives exactly one; `auto` gives
 * every reading (the literal first), and the core applies a converted reading only when it names
 * exactly one message and the literal names none.
 */
export function receiptIdReadings(id: string, format: ReceiptIdFormat): string[] {
  const [literal] = idCandidates(id);
  if (format === 'auto') return idCandidates(id);
  return [readIdAs(literal, format) ?? literal];
}
