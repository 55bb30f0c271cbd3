import { createHash, randomBytes } from 'node:crypto';
import type { Db, Locale, Staff } from '../db/schema';

/** Staff roles, in increasing reach. */
export type Role = Staff['role'];

/** SHA-256 of an API token: tokens are random and long, so a fast hash is the right tool (no salt needed). */
export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** A new API token: 32 random bytes, shown once and stored only as its hash. */
export function newToken(): string {
  return `upl_${randomBytes(32).toString('base64url')}`;
}

/** Creates a staff account (or updates and re-enables one by external id) with a new token; returns the token once. */
export async function addStaff(
  db: Db,
  s: { externalId: string; name: string; role: Role; mobile?: string | null; locale?: Locale },
  now: Date = new Date(),
): Promise<{ staff: Staff; token: string }> {
  const token = newToken();
  const values = {
    external_id: s.externalId,
    name: s.name,
    role: s.role,
    mobile: s.mobile ?? null,
    locale: s.locale ?? 'zh-CN',
    token_hash: hashToken(token),
    token_issued_at: now,
    active: true,
  };
  const staff = await db
    .insertInto('staff')
    .values(values)
    .onConflict((oc) => oc.column('external_id').doUpdateSet(values))
    .returningAll()
    .executeTakeFirstOrThrow();
  return { staff, token };
}

/** Issues a new token for an active staff member (the old one stops working); undefined for an unknown or disabled id. */
export async function rotateStaffToken(db: Db, externalId: string, now: Date = new Date()): Promise<{ staff: Staff; token: string } | undefined> {
  const token = newToken();
  const staff = await db
    .updateTable('staff')
    .set({ token_hash: hashToken(token), token_issued_at: now })
    .where('external_id', '=', externalId)
    .where('active', '=', true)
    .returningAll()
    .executeTakeFirst();
  return staff && { staff, token };
}

/**
 * Disables a staff account: its token is removed and its phone is no longer a staff phone (agent
 * keywords from it are unknown texts). `staff add` for the same id enables it again with a new token.
 */
export async function disableStaff(db: Db, externalId: string): Promise<Staff | undefined> {
  return db.updateTable('staff').set({ active: false, token_hash: null }).where('external_id', '=', externalId).returningAll().executeTakeFirst();
}

/** Every staff account, by external id. */
export async function listStaff(db: Db): Promise<Staff[]> {
  return db.selectFrom('staff').selectAll().orderBy('external_id').execute();
}

/** Why a token was refused (for the log; the caller answers every refusal alike). */
export type TokenRefusal = 'unknown' | 'disabled' | 'expired';

/** `last_used_at` is written at most once a minute per staff member, not on every request. */
const TOUCH_EVERY_MS = 60_000;

/**
 * The staff member a token authenticates: known (by its hash), active and issued less than
 * `maxAgeDays` ago; records the use (`last_used_at`, to the minute). Otherwise why not.
 */
export async function authenticateToken(db: Db, token: string, now: Date, maxAgeDays: number): Promise<{ staff: Staff } | { refused: TokenRefusal }> {
  const staff = await db.selectFrom('staff').selectAll().where('token_hash', '=', hashToken(token)).executeTakeFirst();
  if (!staff) return { refused: 'unknown' };
  if (!staff.active) return { refused: 'disabled' };
  if (!staff.token_issued_at || now.getTime() - staff.token_issued_at.getTime() > maxAgeDays * 86_400_000) return { refused: 'expired' };
  if (!staff.last_used_at || now.getTime() - staff.last_used_at.getTime() >= TOUCH_EVERY_MS) {
    await db.updateTable('staff').set({ last_used_at: now }).where('id', '=', staff.id).execute();
  }
  return { staff };
}
