import { type IdConvention, readIdAs } from '../../shared/id-readings';

const CONVENTIONS: IdConvention[] = ['same', 'hex-decimal', 'decimal-hex'];

/**
 * What each channel's receipts have shown about their ids (`SMPP_RECEIPT_ID_FORMAT=auto`): a receipt
 * that matched a message under one reading only is evidence for that convention. Once a channel has
 * shown one convention at least `MIN_EVIDENCE` times and nine times in ten, a receipt that names
 * two messages under two readings is read by it — at volume, an SMSC's decimal receipt id is often
 * some other message's hex id, and reading the literal id first settled the wrong message.
 */
export class ReceiptConventions {
  private readonly seen = new Map<string, Record<IdConvention, number>>();

  /** Records that a receipt on `channel` matched its message under `convention` and no other reading. */
  observe(channel: string, convention: IdConvention): void {
    const counts = this.seen.get(channel) ?? { same: 0, 'hex-decimal': 0, 'decimal-hex': 0 };
    counts[convention]++;
    this.seen.set(channel, counts);
  }

  /** The convention `channel`'s receipts have shown, or undefined while the evidence is thin or mixed. */
  learned(channel: string): IdConvention | undefined {
    const counts = this.seen.get(channel);
    if (!counts) return undefined;
    const total = CONVENTIONS.reduce((n, c) => n + counts[c], 0);
    return CONVENTIONS.find((c) => counts[c] >= MIN_EVIDENCE && counts[c] * 10 >= total * 9);
  }
}

/** Unambiguous matches a channel must show before its convention is trusted. */
export const MIN_EVIDENCE = 3;

/** The conventions under which `literal` reads as one of `matched` (the provider ids its readings found). */
export function conventionsMatching(literal: string, matched: Iterable<string>): IdConvention[] {
  const ids = new Set(matched);
  return CONVENTIONS.filter((c) => {
    const reading = readIdAs(literal, c);
    return reading !== undefined && ids.has(reading);
  });
}
