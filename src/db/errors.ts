/**
 * Errors that say the database cannot be reached or answered too late (as opposed to an error in a
 * statement): a connection refused, reset or timed out, a server shutting down, a statement or
 * query cut off by its timeout. The caller should answer "try again" (HTTP 503, SMPP
 * ESME_RX_T_APPN) and pause, never give up on what it holds.
 */
const UNAVAILABLE_SQLSTATE = /^(08|57P0[1-3]|57014|53300)/; // connection exception, shutdown, cannot connect now, statement timeout, too many connections
const UNAVAILABLE_NODE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);
const UNAVAILABLE_MESSAGES =
  /Connection terminated|Query read timeout|timeout exceeded when trying to connect|Client has encountered a connection error|Connection ended unexpectedly|not queryable/i;

/** True when `err` says the database is away or hung, not that a statement was wrong. */
export function isDatabaseUnavailable(err: unknown): boolean {
  if (!err || typeof err !== 'object') return false;
  const e = err as { code?: unknown; message?: unknown; cause?: unknown };
  if (typeof e.code === 'string' && (UNAVAILABLE_SQLSTATE.test(e.code) || UNAVAILABLE_NODE_CODES.has(e.code))) return true;
  if (typeof e.message === 'string' && UNAVAILABLE_MESSAGES.test(e.message)) return true;
  return e.cause !== undefined && e.cause !== err && isDatabaseUnavailable(e.cause);
}
