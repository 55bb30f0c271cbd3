import { decodeGsm7, encodeGsm7, splitSegments } from '../codec/gsm7';
import { concatUdh } from './udh';

/**
 * Decodes short_message bytes by data_coding: 0 GSM 03.38 (unpacked septets; `@` is 0x00, so not a
 * C string), 1 IA5/ASCII, 3 Latin-1, 8 UCS-2 big-endian (Node's 'ucs2' is little-endian, so bytes
 * are swapped; a broken surrogate or an odd last byte becomes U+FFFD, never a crash). Others, and
 * the 0xF? message-class group, by their alphabet bits; unknown schemes as Latin-1.
 */
export function decodeShortMessage(dataCoding: number, bytes: Buffer): string {
  const scheme = (dataCoding & 0xf0) === 0xf0 ? ((dataCoding & 0x04) === 0 ? 0 : 4) : dataCoding;
  switch (scheme) {
    case 0:
      return decodeGsm7(bytes);
    case 1:
      return bytes.toString('ascii');
    case 8: {
      const even = bytes.subarray(0, bytes.length - (bytes.length % 2));
      const swapped = Buffer.from(even).swap16();
      const text = swapped.toString('utf16le').replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');
      return bytes.length % 2 ? `${text}\uFFFD` : text;
    }
    default:
      return bytes.toString('latin1');
  }
}

/** One submit_sm's worth of an outbound text. */
export interface OutboundPart {
  dataCoding: 0 | 8;
  esmClass: number;
  shortMessage: Buffer;
}

/** UCS-2 big-endian bytes of a text. */
export function encodeUcs2(text: string): Buffer {
  return Buffer.from(text, 'utf16le').swap16();
}

/**
 * A text as the submit_sm parts it is sent in: GSM-7 when every character fits, else UCS-2, with
 * data_coding always explicit; long texts carry a concatenation UDH (UDHI in esm_class) with `ref`.
 * More than 255 parts throws a RangeError (the outbox caps messages far below: MAX_SEGMENTS_PER_MESSAGE).
 */
export function encodeOutbound(text: string, ref: number): OutboundPart[] {
  const { encoding, parts } = splitSegments(text);
  // The concatenation UDH counts parts in one octet.
  if (parts.length > 255) throw new RangeError(`a text of ${parts.length} parts: the UDH allows 255 at most`);
  const dataCoding = encoding === 'GSM-7' ? 0 : 8;
  const encode = (s: string) => (dataCoding === 0 ? encodeGsm7(s) : encodeUcs2(s));
  if (parts.length === 1) return [{ dataCoding, esmClass: 0, shortMessage: encode(parts[0]) }];
  return parts.map((p, i) => ({ dataCoding, esmClass: 0x40, shortMessage: Buffer.concat([concatUdh(ref, parts.length, i + 1), encode(p)]) }));
}
