import type { SendError } from '../../transport/types';
import type { ClaimedMessage } from './claim';
import { backoffDelay, type DispatcherOptions } from './options';

/** A failed send's fate: back in the queue (when, and whether the attempt is given back) or final. */
export type AfterError = { at: Date; refund: boolean } | { final: 'failed' | 'unknown' };

/** What deciding needs besides the message and its error. */
export interface ErrorContext {
  now: number;
  opts: Pick<DispatcherOptions, 'maxAttempts' | 'backoffMs' | 'maxBackoffMs'>;
  /** True when a transport of the message's route can take it now, those in `blocked` left out. */
  canReroute(blocked?: ReadonlySet<string>): boolean;
}

/**
 * What becomes of a message after a send error (courier's classified errors): throttled goes back
 * at the head; unavailable fails over at once when another transport is up; opted out is never
 * retried on that route; an unknown outcome is never resent blindly; other retryable errors back
 * off up to the attempt limit; the rest fail.
 */
export function afterSendError(row: Pick<ClaimedMessage, 'to_number' | 'blocked' | 'attempts'>, channel: string, e: SendError, ctx: ErrorContext): AfterError {
  const { now } = ctx;
  if (e.kind === 'throttled') return { at: new Date(now + 250), refund: true };
  if (e.kind === 'unavailable' && ctx.canReroute()) return { at: new Date(now), refund: true };
  if (e.kind === 'opted_out') {
    const blocked = new Set([...row.blocked, channel].map((c) => `${row.to_number} ${c}`)); // read with the claim
    return ctx.canReroute(blocked) ? { at: new Date(now), refund: true } : { final: 'failed' };
  }
  if (e.kind === 'unknown_outcome') return { final: 'unknown' };
  if (!e.retryable || row.attempts >= ctx.opts.maxAttempts) return { final: 'failed' };
  return { at: new Date(now + backoffDelay(row.attempts, ctx.opts)), refund: false };
}
