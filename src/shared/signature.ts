import { createHmac, timingSafeEqual } from 'node:crypto';

/** How far a signed message's timestamp may be from now (replays of older ones are refused). */
export const SIGNATURE_TOLERANCE_SECONDS = 300;

/** `sha256=<hex>`: HMAC-SHA256 over `<unix seconds>.<raw body>` (docs/card-system.md). */
export function signBody(secret: string, timestamp: number, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/** Whether a signature and timestamp header match the body (constant-time) and the timestamp is recent. */
export function signatureValid(secret: string, header: string | undefined, timestamp: string | undefined, body: string, now: Date): boolean {
  const ts = Number(timestamp);
  if (!header || !Number.isInteger(ts) || Math.abs(now.getTime() / 1000 - ts) > SIGNATURE_TOLERANCE_SECONDS) return false;
  const expected = Buffer.from(signBody(secret, ts, body));
  const given = Buffer.from(header);
  return given.length === expected.length && timingSafeEqual(given, expected);
}
