import type { SendErrorKind } from '../types';

/**
 * What a refused submit_sm means for the delivery engine, by command_status (SMPP 3.4 §5.1.3).
 * Temporary conditions are retried as Kannel does (queue full, throttled, system error,
 * ESME_RX_T_APPN); address errors are permanent for the number or for our configuration; anything
 * else — content, validity, a status we do not know — is a permanent rejection of the message.
 */
const KIND_BY_STATUS: ReadonlyMap<number, SendErrorKind> = new Map([
  [0x14, 'throttled'], // ESME_RMSGQFUL
  [0x58, 'throttled'], // ESME_RTHROTTLED
  [0x08, 'unavailable'], // ESME_RSYSERR
  [0x64, 'unavailable'], // ESME_RX_T_APPN
  [0x04, 'unavailable'], // ESME_RINVBNDSTS: the SMSC no longer sees us bound
  [0x0b, 'invalid_destination'], // ESME_RINVDSTADR
  [0x50, 'invalid_destination'], // ESME_RINVDSTTON
  [0x51, 'invalid_destination'], // ESME_RINVDSTNPI
  [0x0a, 'config'], // ESME_RINVSRCADR
  [0x48, 'config'], // ESME_RINVSRCTON
  [0x49, 'config'], // ESME_RINVSRCNPI
  [0x15, 'config'], // ESME_RINVSERTYP
]);

/** The send-error kind for a submit_sm refused with `status`. */
export function submitErrorKind(status: number): SendErrorKind {
  return KIND_BY_STATUS.get(status) ?? 'rejected';
}

/** A command_status as the 0x-prefixed hex SMSC logs use (`0x58`, `0x00000401`). */
export function statusCode(status: number): string {
  return `0x${status.toString(16).padStart(status > 0xff ? 8 : 2, '0')}`;
}
