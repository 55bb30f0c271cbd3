// The staff console's sessions.
import type { Timestamp } from './columns';

/** console_sessions table: a signed-in browser, by the hash of its cookie. */
export interface ConsoleSessionsTable {
  id_hash: string;
  staff_id: number;
  csrf_token: string;
  created_at: Timestamp;
  last_seen_at: Timestamp;
}
