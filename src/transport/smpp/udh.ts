/**
 * User Data Header (3GPP TS 23.040 §9.2.3.24) as SMPP carries it in short_message when esm_class
 * has UDHI (0x40): concatenation with an 8-bit (IEI 0x00) or 16-bit (IEI 0x08) reference.
 */

/** Where a part sits in a concatenated message. */
export interface ConcatInfo {
  ref: number;
  total: number;
  seq: number;
}

/** A parsed short_message with UDHI set; `ignored` says why a concatenation header was not used. */
export type UdhParse = { ok: true; concat?: ConcatInfo; payload: Buffer; ignored?: string } | { ok: false; error: string };

/** Splits a short_message into its header's concatenation info and the text payload. */
export function parseUdh(sm: Buffer): UdhParse {
  if (sm.length === 0) return { ok: false, error: 'UDHI set but short_message is empty' };
  const udhl = sm[0];
  if (1 + udhl > sm.length) return { ok: false, error: `UDH length ${udhl} exceeds short_message (${sm.length} bytes)` };
  let concat: ConcatInfo | undefined;
  for (let i = 1; i < 1 + udhl;) {
    const iei = sm[i];
    const len = sm[i + 1];
    if (len === undefined || i + 2 + len > 1 + udhl) return { ok: false, error: `information element 0x${iei.toString(16)} overruns the UDH` };
    const v = sm.subarray(i + 2, i + 2 + len);
    if (iei === 0x00 && len === 3) concat = { ref: v[0], total: v[1], seq: v[2] };
    if (iei === 0x08 && len === 4) concat = { ref: v.readUInt16BE(0), total: v[2], seq: v[3] };
    i += 2 + len;
  }
  // An impossible part number says nothing true about a set: the payload is read as a text of its own.
  if (concat && (concat.total === 0 || concat.seq === 0 || concat.seq > concat.total)) {
    return { ok: true, payload: sm.subarray(1 + udhl), ignored: `concatenation part ${concat.seq} of ${concat.total} is impossible` };
  }
  return { ok: true, concat, payload: sm.subarray(1 + udhl) };
}

/** A concatenation UDH for part `seq` of `total` (8-bit reference unless `ref` needs 16 bits). */
export function concatUdh(ref: number, total: number, seq: number): Buffer {
  return ref > 0xff ? Buffer.from([0x06, 0x08, 0x04, ref >> 8, ref & 0xff, total, seq]) : Buffer.from([0x05, 0x00, 0x03, ref, total, seq]);
}
