import type { Db, Staff } from '../db/schema';

/** The active staff member whose registered phone is this E.164 number, if any. */
export async function findStaffByMobile(db: Db, mobile: string): Promise<Staff | undefined> {
  return db.selectFrom('staff').selectAll().where('mobile', '=', mobile).where('active', '=', true).executeTakeFirst();
}
