import { createHash, timingSafeEqual } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import type { AppConfig } from '../config';
import { problem } from '../shared/problem';

/** Constant-time comparison of a presented token with the configured one (digests of equal length). */
function tokenMatches(presented: string, expected: string): boolean {
  const a = createHash('sha256').update(presented).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

/** The card system's bearer token (`CARD_SYSTEM_TOKEN`): 503 when unset, 401 when missing or wrong. */
export function requireCardSystem(config: AppConfig) {
  return (req: Request, res: Response, next: NextFunction): void => {
    if (!config.cardSystemToken) return problem(res, 503, 'Card system endpoint is not configured (CARD_SYSTEM_TOKEN)');
    const presented = /^Bearer (\S+)$/.exec(req.get('authorization') ?? '')?.[1] ?? '';
    if (!tokenMatches(presented, config.cardSystemToken)) {
      res.set('WWW-Authenticate', 'Bearer');
      return problem(res, 401, 'Missing or invalid token');
    }
    next();
  };
}
