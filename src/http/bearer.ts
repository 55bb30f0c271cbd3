import { createHash, timingSafeEqual } from 'node:crypto';
import type { Request } from 'express';

/** The token of an `Authorization: Bearer <token>` header, or '' when there is none. */
export function bearerToken(req: Request): string {
  return /^Bearer (\S+)$/.exec(req.get('authorization') ?? '')?.[1] ?? '';
}

/** Constant-time comparison of a presented token with the configured one (digests of equal length). */
export function tokenMatches(presented: string, expected: string): boolean {
  const a = createHash('sha256').update(presented).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

/** Where a request came from and what it asked, for a refusal's log line (never its token). */
export function requestSource(req: Request): { route: string; ip: string | undefined } {
  return { route: `${req.method} ${req.originalUrl.split('?')[0]}`, ip: req.ip };
}
