import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { Db, Staff } from '../db/schema';
import { hashToken } from './staff';

/** A new console session: the cookie value (stored only as its hash) and the CSRF token. */
export interface NewSession {
  id: string;
  csrf: string;
}

/** Opens a session for a staff member; the id is stored only as its hash. */
export async function openSession(db: Db, staffId: number, now: Date): Promise<NewSession> {
  const id = randomBytes(32).toString('base64url');
  const csrf = randomBytes(32).toString('base64url');
  await db
    .insertInto('console_sessions')
    .values({ id_hash: hashToken(id), staff_id: staffId, csrf_token: csrf, created_at: now, last_seen_at: now })
    .execute();
  return { id, csrf };
}

/** A live session: its staff member and its CSRF token. */
export interface LiveSession {
  idHash: string;
  staff: Staff;
  csrf: string;
}

/**
 * The session a cookie names, if it exists, its staff member is active and it was used less than
 * `idleMinutes` ago; records this use. An idle session is deleted when it is found.
 */
export async function findSession(db: Db, id: string, now: Date, idleMinutes: number): Promise<LiveSession | undefined> {
  const idHash = hashToken(id);
  const row = await db
    .selectFrom('console_sessions')
    .innerJoin('staff', 'staff.id', 'console_sessions.staff_id')
    .selectAll('staff')
    .select(['console_sessions.csrf_token', 'console_sessions.last_seen_at'])
    .where('console_sessions.id_hash', '=', idHash)
    .executeTakeFirst();
  if (!row) return undefined;
  const { csrf_token, last_seen_at, ...staff } = row;
  if (!staff.active || now.getTime() - last_seen_at.getTime() > idleMinutes * 60_000) {
    await closeSession(db, id);
    return undefined;
  }
  await db.updateTable('console_sessions').set({ last_seen_at: now }).where('id_hash', '=', idHash).execute();
  return { idHash, staff, csrf: csrf_token };
}

/** True when a presented CSRF token is the session's (constant-time, compared as digests). */
export function csrfMatches(session: LiveSession, presented: string): boolean {
  return timingSafeEqual(Buffer.from(hashToken(presented), 'hex'), Buffer.from(hashToken(session.csrf), 'hex'));
}

/** Ends a session (sign-out). */
export async function closeSession(db: Db, id: string): Promise<void> {
  await db.deleteFrom('console_sessions').where('id_hash', '=', hashToken(id)).execute();
}

/** Ends every session of a staff member (token rotated or account disabled). */
export async function closeSessionsOf(db: Db, staffId: number): Promise<void> {
  await db.deleteFrom('console_sessions').where('staff_id', '=', staffId).execute();
}

/** Deletes sessions idle longer than `idleMinutes`; returns how many. */
export async function sweepSessions(db: Db, now: Date, idleMinutes: number): Promise<number> {
  const r = await db
    .deleteFrom('console_sessions')
    .where('last_seen_at', '<', new Date(now.getTime() - idleMinutes * 60_000))
    .executeTakeFirst();
  return Number(r.numDeletedRows);
}
