/** How a delivery receipt's id relates to the id the operator gave its message (Kannel's `msg-id-type`). */
export type IdConvention = 'same' | 'hex-decimal' | 'decimal-hex';

/**
 * The id a receipt's (normalised) id names under a convention: itself (`same`), its decimal digits
 * read as a number and written in hex (`hex-decimal`: hex in the response, decimal in the receipt),
 * or its hex digits written in decimal (`decimal-hex`); undefined when the id cannot be read so.
 */
export function readIdAs(literal: string, convention: IdConvention): string | undefined {
  if (convention === 'same') return literal;
  if (convention === 'hex-decimal') return /^[0-9]{1,30}$/.test(literal) ? BigInt(literal).toString(16) : undefined;
  return /^[0-9a-f]{1,24}$/.test(literal) ? BigInt(`0x${literal}`).toString(10) : undefined;
}
