import { sql } from 'kysely';
import type { Db } from '../db/schema';

/**
 * Takes the run for one tick of a job: only the instance that moves the job's `last_slot` forward
 * to `slot` runs it (pg-boss's timekeeper idea), so with several gateways each tick fires once.
 */
export async function takeTick(db: Db, name: string, slot: Date, holder: string): Promise<boolean> {
  await db
    .insertInto('job_leases')
    .values({ name, last_slot: null, holder: null })
    .onConflict((oc) => oc.column('name').doNothing())
    .execute();
  const { rows } = await sql`
    UPDATE job_leases SET last_slot = ${slot}, holder = ${holder}
     WHERE name = ${name} AND (last_slot IS NULL OR last_slot < ${slot})
 RETURNING name`.execute(db);
  return rows.length === 1;
}
