import { SendError, type SendErrorKind } from '../types';

// Twilio REST error codes we know, as a literal table (courier style); anything else falls back on
// the HTTP status. https://www.twilio.com/docs/api/errors
const BY_CODE: Readonly<Record<number, SendErrorKind>> = {
  20003: 'config', // authentication failed
  20429: 'throttled', // too many requests
  21211: 'invalid_destination', // invalid 'To' number
  21212: 'config', // invalid 'From' number
  21408: 'rejected', // permission to send to this region not enabled
  21606: 'config', // 'From' number cannot send SMS
  21610: 'opted_out', // recipient replied STOP to this sender
  21612: 'invalid_destination', // 'To' cannot be reached from this sender
  21614: 'invalid_destination', // 'To' is not a mobile number
  21617: 'rejected', // body too long
  30001: 'throttled', // queue overflow
  30007: 'rejected', // carrier filtered
};

// Network failures before the request could have reached Twilio: safe to retry. A reset or a
// timeout after the request left may have created the message: outcome unknown.
const BEFORE_SEND = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

/** Maps an error from the Twilio client into the delivery engine's classes. */
export function classifyTwilioError(err: unknown): SendError {
  const e = err as { status?: number; code?: number | string; message?: string };
  const message = e.message ?? String(err);
  if (typeof e.code === 'number' && BY_CODE[e.code]) return new SendError(BY_CODE[e.code], message, String(e.code));
  if (typeof e.status === 'number') {
    if (e.status === 429) return new SendError('throttled', message, String(e.code ?? 429));
    if (e.status >= 500) return new SendError('unavailable', message, String(e.code ?? e.status));
    if (e.status === 401 || e.status === 403) return new SendError('config', message, String(e.code ?? e.status));
    return new SendError('rejected', message, String(e.code ?? e.status));
  }
  if (typeof e.code === 'string' && BEFORE_SEND.has(e.code)) return new SendError('unavailable', message, e.code);
  return new SendError('unknown_outcome', message, typeof e.code === 'string' ? e.code : undefined);
}

/** Twilio's message statuses (status callbacks) as delivery reports; intermediate ones change nothing. */
export const TWILIO_STATUS: Readonly<Record<string, 'accepted' | 'sent' | 'delivered' | 'undelivered' | 'failed' | 'unknown'>> = {
  accepted: 'accepted',
  scheduled: 'accepted',
  queued: 'accepted',
  sending: 'accepted',
  sent: 'sent',
  delivered: 'delivered',
  read: 'delivered',
  undelivered: 'undelivered',
  failed: 'failed',
  canceled: 'failed',
};
