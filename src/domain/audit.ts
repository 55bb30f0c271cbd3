import type { Db } from '../db/schema';
import { maskCardNumbers, maskCardNumbersIn } from './pan';

/** One entry of the audit trail. */
export interface AuditEntry {
  actorType: 'customer' | 'staff' | 'system' | 'unknown';
  actorId?: string | number | null;
  channel: string;
  action: string;
  subject?: string | null;
  details?: Record<string, unknown>;
}

/** Appends to the audit trail (in the caller's transaction, so it commits with the action); the trail is append-only. */
export async function audit(db: Db, entry: AuditEntry): Promise<void> {
  await db.insertInto('audit_log').values(auditRow(entry)).execute();
}

/** An entry as the audit_log row it becomes: card numbers masked in the subject and every string of the details. */
export function auditRow(entry: AuditEntry) {
  return {
    actor_type: entry.actorType,
    actor_id: entry.actorId == null ? null : String(entry.actorId),
    channel: entry.channel,
    action: entry.action,
    subject: entry.subject == null ? null : maskCardNumbers(entry.subject),
    details: JSON.stringify(maskCardNumbersIn(entry.details ?? {})),
  };
}
