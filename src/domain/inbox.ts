import type { Db } from '../db/schema';

/** What waits for agents: pending sign-ups and unresolved cases. */
export async function inboxCounts(db: Db): Promise<{ signups: number; cases: number }> {
  const [signups, cases] = await Promise.all([
    db
      .selectFrom('registrations')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('status', '=', 'pending')
      .executeTakeFirstOrThrow(),
    db
      .selectFrom('cases')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('status', '!=', 'resolved')
      .executeTakeFirstOrThrow(),
  ]);
  return { signups: Number(signups.n), cases: Number(cases.n) };
}

/** Customers' names by external id (for lists that carry only the id). */
export async function customerNames(db: Db, externalIds: readonly string[]): Promise<Map<string, string>> {
  if (externalIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('customers')
    .select(['external_id', 'name'])
    .where('external_id', 'in', [...new Set(externalIds)])
    .execute();
  return new Map(rows.map((r) => [r.external_id, r.name]));
}
