import type { NextFunction, Request, Response } from 'express';
import type { Kysely } from 'kysely';
import type { Database, Staff } from '../db/schema';
import { type Role, staffByToken } from '../domain/staff';
import { problem } from '../shared/problem';

/** The authenticated staff member of a request (after `requireStaff`). */
export function staffOf(res: Response): Staff {
  return res.locals.staff as Staff;
}

/**
 * Bearer-token authentication for the staff API. A missing, malformed, unknown or revoked token
 * gets the same 401; a valid token whose role may not do this gets 403.
 */
export function requireStaff(db: Kysely<Database>, roles: readonly Role[]) {
  return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    const match = /^Bearer ([A-Za-z0-9_-]{10,200})$/.exec(req.get('authorization') ?? '');
    const staff = match ? await staffByToken(db, match[1]) : undefined;
    if (!staff) {
      res.set('WWW-Authenticate', 'Bearer');
      return problem(res, 401, 'Missing or invalid token');
    }
    if (!roles.includes(staff.role)) return problem(res, 403, `Role ${staff.role} may not do this`, { allowed: roles });
    res.locals.staff = staff;
    next();
  };
}
