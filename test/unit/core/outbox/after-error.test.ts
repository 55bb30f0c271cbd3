import { describe, expect, it } from '@jest/globals';
import { afterSendError } from '../../../../src/core/outbox/after-error';
import { SendError, type SendErrorKind } from '../../../../src/transport/types';

const opts = { maxAttempts: 6, backoffMs: 2_000, maxBackoffMs: 600_000 };
const row = (attempts: number, blocked: string[] = []) => ({ to_number: '+8613800138000', blocked, attempts });
const ctx = (reroute: boolean | ((blocked?: ReadonlySet<string>) => boolean)) => ({
  now: 1_000_000,
  opts,
  canReroute: typeof reroute === 'function' ? reroute : () => reroute,
});

describe('afterSendError', () => {
  it.each<[string, SendErrorKind, number, boolean, unknown]>([
    ['throttled: back at the head, attempt given back', 'throttled', 3, false, { at: new Date(1_000_250), refund: true }],
    ['unavailable, another transport up: at once, attempt given back', 'unavailable', 1, true, { at: new Date(1_000_000), refund: true }],
    ['unavailable, nothing else up: backs off', 'unavailable', 1, false, { at: expect.any(Date), refund: false }],
    ['unavailable on the last attempt: failed', 'unavailable', 6, false, { final: 'failed' }],
    ['timeout: backs off', 'timeout', 2, false, { at: expect.any(Date), refund: false }],
    ['unknown outcome: never resent blindly', 'unknown_outcome', 1, true, { final: 'unknown' }],
    ['invalid destination: failed', 'invalid_destination', 1, true, { final: 'failed' }],
    ['rejected: failed', 'rejected', 1, true, { final: 'failed' }],
    ['config: failed', 'config', 1, true, { final: 'failed' }],
    ['opted out, another route: at once', 'opted_out', 1, true, { at: new Date(1_000_000), refund: true }],
    ['opted out, no other route: failed', 'opted_out', 1, false, { final: 'failed' }],
  ])('%s', (_name, kind, attempts, reroute, expected) => {
    expect(afterSendError(row(attempts), 'smpp', new SendError(kind, 'x'), ctx(reroute))).toEqual(expected);
  });

  it('backs off exponentially, in the upper half of each step', () => {
    const at = (attempts: number) =>
      (afterSendError(row(attempts), 'smpp', new SendError('timeout', 'x'), ctx(false)) as { at: Date }).at.getTime() - 1_000_000;
    expect(at(1)).toBeGreaterThanOrEqual(1_000);
    expect(at(1)).toBeLessThanOrEqual(2_000);
    expect(at(3)).toBeGreaterThanOrEqual(4_000);
    expect(at(3)).toBeLessThanOrEqual(8_000);
  });

  it('leaves out the route that said "opted out" and those already blocked when looking for another', () => {
    const seen: string[][] = [];
    afterSendError(
      row(1, ['twilio']),
      'smpp',
      new SendError('opted_out', 'x'),
      ctx((blocked) => (seen.push([...(blocked ?? [])]), false)),
    );
    expect(seen).toEqual([['+8613800138000 twilio', '+8613800138000 smpp']]);
  });
});
