import type { NextFunction, Request, Response } from 'express';
import type { AppConfig } from '../config';
import type { Logger } from '../shared/log';
import { problem } from '../shared/problem';
import { bearerToken, requestSource, tokenMatches } from './bearer';

/**
 * The card system's bearer token (`CARD_SYSTEM_TOKEN`, compared in constant time): 503 when unset,
 * 401 when missing or wrong — logged with the route and source, never the token.
 */
export function requireCardSystem(config: AppConfig, log?: Logger) {
  return (req: Request, res: Response, next: NextFunction): void => {
    if (!config.cardSystemToken) return problem(res, 503, 'Card system endpoint is not configured (CARD_SYSTEM_TOKEN)');
    if (!tokenMatches(bearerToken(req), config.cardSystemToken)) {
      log?.warn({ ...requestSource(req) }, 'card system: token refused (401)');
      res.set('WWW-Authenticate', 'Bearer');
      return problem(res, 401, 'Missing or invalid token');
    }
    next();
  };
}
