import type { Pdu } from './pdu';

/** What makes two deliver_sm the same message: everything but the sequence number. */
export function deliverySignature(pdu: Pdu): string {
  const sm = pdu.sm!;
  const tlvs = [...pdu.tlvs]
    .sort(([a], [b]) => a - b)
    .map(([tag, value]) => `${tag}=${value.toString('hex')}`)
    .join(',');
  return [
    sm.source_addr_ton,
    sm.source_addr_npi,
    sm.source_addr,
    sm.dest_addr_ton,
    sm.dest_addr_npi,
    sm.destination_addr,
    sm.esm_class,
    sm.data_coding,
    sm.short_message.toString('hex'),
    tlvs,
  ].join('|');
}

/**
 * deliver_sm carries no message id, so an SMSC that never got its deliver_sm_resp delivers the same
 * PDU again. When a text is committed after its link has already gone, its answer certainly never
 * left: such PDUs are remembered (in memory, for `ttlMs`) so that their redelivery is acknowledged
 * without being recorded and answered twice. An answer written but lost on the way cannot be known
 * here; that text is recorded again when it comes back (at least once, never lost).
 */
export class UnansweredDeliveries {
  // Bounded by size (`max` copies, oldest dropped first) and age (`ttlMs`).
  private readonly expiries = new Map<string, number[]>();
  private count = 0;

  constructor(
    private readonly ttlMs = 10 * 60_000,
    private readonly max = 10_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** Notes a committed deliver_sm whose answer could not be sent. */
  remember(pdu: Pdu): void {
    this.prune();
    const key = deliverySignature(pdu);
    const list = this.expiries.get(key) ?? [];
    list.push(this.now() + this.ttlMs);
    this.expiries.delete(key); // re-inserted last: the oldest keys are dropped first when full
    this.expiries.set(key, list);
    this.count++;
    for (const [oldest, entries] of this.expiries) {
      if (this.count <= this.max) break;
      this.count -= entries.length;
      this.expiries.delete(oldest);
    }
  }

  /** True, once per remembered copy, when `pdu` is one of them delivered again in time. */
  take(pdu: Pdu): boolean {
    if (this.count === 0) return false;
    this.prune();
    const key = deliverySignature(pdu);
    const list = this.expiries.get(key);
    if (!list) return false;
    const now = this.now();
    while (list.length > 0 && list[0] < now) {
      list.shift();
      this.count--;
    }
    const found = list.length > 0;
    if (found) {
      list.shift();
      this.count--;
    }
    if (list.length === 0) this.expiries.delete(key);
    return found;
  }

  /**
   * Drops keys whose every copy has expired, oldest first (keys are in the order they were last
   * remembered, and the time to live is one), so once the redeliveries are over `take` costs nothing
   * again for each deliver_sm.
   */
  private prune(): void {
    const now = this.now();
    for (const [key, list] of this.expiries) {
      if (list[list.length - 1] >= now) break;
      this.count -= list.length;
      this.expiries.delete(key);
    }
  }
}
