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

/** Creates a staff account (or updates one by external id) with a new token; returns the token once. */
export async function addStaff(
  db: Db,
  s: { externalId: string; name: string; role: Role; mobile?: string | null; locale?: Locale },
): Promise<{ staff: Staff; token: string }> {
  const token = newToken();
  const values = {
    external_id: s.externalId,
    name: s.name,
    role: s.role,
    mobile: s.mobile ?? null,
    locale: s.locale ?? 'zh-CN',
    token_hash: hashToken(token),
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

/** The active staff member holding this token (looked up by hash). */
export async function staffByToken(db: Db, token: string): Promise<Staff | undefined> {
  return db.selectFrom('staff').selectAll().where('token_hash', '=', hashToken(token)).where('active', '=', true).executeTakeFirst();
}
