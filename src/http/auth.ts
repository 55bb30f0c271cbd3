import type { NextFunction, Request, Response } from 'express';
import type { Kysely } from 'kysely';
import type { Database, Staff } from '../db/schema';
import { authenticateToken, type Role } from '../domain/staff';
import type { Clock } from '../shared/clock';
import type { Logger } from '../shared/log';
import { problem } from '../shared/problem';
import { requestSource } from './bearer';

/** The authenticated staff member of a request (after a `StaffAuth` check). */
export function staffOf(res: Response): Staff {
  return res.locals.staff as Staff;
}

/** What checking staff tokens needs. */
export interface StaffAuthDeps {
  db: Kysely<Database>;
  log: Logger;
  clock: Clock;
  /** A token stops working this many days after it was issued (STAFF_TOKEN_DAYS). */
  tokenDays: number;
}

/** Middleware admitting staff with one of `roles`. */
export type StaffAuth = (roles: readonly Role[]) => (req: Request, res: Response, next: NextFunction) => Promise<void>;

/**
 * Bearer-token authentication for the staff API. A missing, malformed, unknown, expired or disabled
 * token gets the same 401; a valid token whose role may not do this gets a 403 that names no role.
 * Each refusal is logged with the route, the source address and the reason, never the token.
 */
export function staffAuth(deps: StaffAuthDeps): StaffAuth {
  return (roles) => async (req, res, next) => {
    const match = /^Bearer ([A-Za-z0-9_-]{10,200})$/.exec(req.get('authorization') ?? '');
    const checked = match
      ? await authenticateToken(deps.db, match[1], deps.clock(), deps.tokenDays)
      : { refused: req.get('authorization') ? 'malformed' : 'missing' };
    if ('refused' in checked) {
      deps.log.warn({ ...requestSource(req), reason: checked.refused }, 'staff API: token refused (401)');
      res.set('WWW-Authenticate', 'Bearer');
      return problem(res, 401, 'Missing or invalid token');
    }
    const { staff } = checked;
    if (!roles.includes(staff.role)) {
      deps.log.warn({ ...requestSource(req), staff: staff.external_id, role: staff.role }, 'staff API: role refused (403)');
      return problem(res, 403, 'Forbidden');
    }
    res.locals.staff = staff;
    next();
  };
}
