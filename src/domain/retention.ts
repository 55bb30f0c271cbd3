import { sql } from 'kysely';
import type { Db } from '../db/schema';

/** What one retention run emptied or removed. */
export interface Purged {
  inbound: number;
  outbound: number;
  parts: number;
}

/**
 * Empties the bodies of messages received or created before `before` (texts in, handled; texts out,
 * settled), marking each `purged_at`; parts of sets never completed are deleted. Numbers, statuses,
 * commands and times stay, so reports and the audit trail still add up. 1,000 rows per statement,
 * so a first run over years of texts holds no lock for long. The audit trail is not touched: it is
 * append-only and holds no bodies (docs/security.md).
 */
export async function purgeMessageBodies(db: Db, before: Date, now: Date, batch = 1000): Promise<Purged> {
  const purged: Purged = { inbound: 0, outbound: 0, parts: 0 };
  for (;;) {
    const { numAffectedRows } = await sql`
      UPDATE inbound_messages m SET text = '', purged_at = ${now}
        FROM (SELECT id FROM inbound_messages
               WHERE received_at < ${before} AND purged_at IS NULL AND status <> 'received'
               LIMIT ${batch} FOR UPDATE SKIP LOCKED) d
       WHERE m.id = d.id`.execute(db);
    purged.inbound += Number(numAffectedRows ?? 0);
    if (Number(numAffectedRows ?? 0) < batch) break;
  }
  for (;;) {
    const { numAffectedRows } = await sql`
      UPDATE outbound_messages o SET body = '', purged_at = ${now}
        FROM (SELECT id FROM outbound_messages
               WHERE created_at < ${before} AND purged_at IS NULL AND status NOT IN ('queued', 'sending')
               LIMIT ${batch} FOR UPDATE SKIP LOCKED) d
       WHERE o.id = d.id`.execute(db);
    purged.outbound += Number(numAffectedRows ?? 0);
    if (Number(numAffectedRows ?? 0) < batch) break;
  }
  const parts = await db.deleteFrom('inbound_parts').where('received_at', '<', before).executeTakeFirst();
  purged.parts = Number(parts.numDeletedRows);
  return purged;
}
