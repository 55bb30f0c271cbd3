import { type Request, type Response, Router } from 'express';
import twilio from 'twilio';
import type { Logger } from '../log';
import type { DeliveryReport, TransportSink } from '../transport/types';
import { TWILIO_STATUS } from '../transport/twilio/errors';
import { problem } from './problem';

/** What the Twilio webhooks need. */
export interface TwilioWebhookDeps {
  authToken: string;
  /** The public URL Twilio calls (PUBLIC_BASE_URL), without a trailing slash. */
  publicBaseUrl: string;
  /** Records a received text and starts its processing; resolves once it is committed. */
  inbound: TransportSink['inbound'];
  report: (r: DeliveryReport) => Promise<string>;
  log: Logger;
}

const EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response/>';

/**
 * Checks `X-Twilio-Signature` over the URL Twilio called (the public base URL, not the Host header
 * a proxy rewrote, plus the path and query as received) and exactly the posted parameters.
 * twilio.validateRequest compares in constant time and tries the URL with and without the default port.
 */
function signed(req: Request, deps: TwilioWebhookDeps): boolean {
  return isValidTwilioSignature(deps.authToken, req.get('x-twilio-signature'), `${deps.publicBaseUrl}${req.originalUrl}`, (req.body ?? {}) as Record<string, string>);
}

/** True when `signature` is Twilio's HMAC-SHA1 of `url` and `params` under `authToken` (constant-time). */
export function isValidTwilioSignature(authToken: string, signature: string | undefined, url: string, params: Record<string, string>): boolean {
  return Boolean(signature) && twilio.validateRequest(authToken, signature!, url, params);
}

function refuse(req: Request, res: Response, deps: TwilioWebhookDeps): void {
  deps.log.warn({ path: req.path, ip: req.ip, hasSignature: Boolean(req.get('x-twilio-signature')) }, 'twilio webhook refused: bad or missing signature');
  problem(res, 403, 'Invalid Twilio signature');
}

/** `POST /webhooks/twilio/sms` (inbound texts) and `POST /webhooks/twilio/status` (status callbacks). */
export function twilioRouter(deps: TwilioWebhookDeps): Router {
  const r = Router();
  r.post('/webhooks/twilio/sms', async (req, res) => {
    if (!signed(req, deps)) return refuse(req, res, deps);
    const p = req.body as Record<string, string | undefined>;
    if (!p.MessageSid || !p.From) return problem(res, 400, 'MessageSid and From are required');
    // Recorded (and deduplicated by MessageSid: Twilio retries) before Twilio gets its 200.
    await deps.inbound({ channel: 'twilio', providerId: p.MessageSid, from: p.From, to: p.To ?? '', text: p.Body ?? '' });
    res.type('text/xml').send(EMPTY_TWIML);
  });
  r.post('/webhooks/twilio/status', async (req, res) => {
    if (!signed(req, deps)) return refuse(req, res, deps);
    const p = req.body as Record<string, string | undefined>;
    const state = TWILIO_STATUS[p.MessageStatus ?? ''] ?? 'unknown';
    if (p.MessageSid && state !== 'unknown') {
      const outcome = await deps.report({ channel: 'twilio', providerId: p.MessageSid, state, errorCode: p.ErrorCode || undefined });
      if (outcome === 'unmatched') deps.log.warn({ sid: p.MessageSid, status: p.MessageStatus }, 'status callback for an unknown MessageSid');
    }
    res.type('text/xml').send(EMPTY_TWIML);
  });
  return r;
}
