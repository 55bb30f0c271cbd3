import { type Request, type Response, Router } from 'express';
import twilio from 'twilio';
import { z } from 'zod';
import type { Logger } from '../../shared/log';
import { webhookRejected } from '../../shared/metrics';
import { invalid, problem } from '../../shared/problem';
import type { OutboundSms, SendResult, SmsTransport, TransportSink } from '../types';
import { classifyTwilioError, TWILIO_STATUS } from './errors';

/** What the Twilio adapter needs. */
export interface TwilioSettings {
  accountSid: string;
  authToken: string;
  from?: string;
  messagingServiceSid?: string;
  /** The public URL Twilio calls (PUBLIC_BASE_URL), without a trailing slash: webhooks and status callbacks. */
  publicBaseUrl: string;
  /** Another REST base URL (a local fake in tests, a proxy); unset: api.twilio.com. */
  apiBaseUrl?: string;
  log: Logger;
}

type RequestOpts = Parameters<InstanceType<typeof twilio.RequestClient>['request']>[0];

/** A RequestClient that sends the official client's requests to another base URL. */
class RebasedRequestClient extends twilio.RequestClient {
  constructor(private readonly base: string) {
    super({ timeout: 15_000 });
  }
  request<TData>(opts: RequestOpts & { data?: TData }) {
    return super.request<TData>({ ...opts, uri: opts.uri.replace(/^https?:\/\/[^/]+/, this.base) } as never);
  }
}

const EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response/>';

// Twilio's parameters as posted (application/x-www-form-urlencoded): each field once, as a string.
// A parameter given twice arrives as an array and is refused, as is anything else malformed.
const sid = z.string().regex(/^[A-Za-z0-9]{2,64}$/, 'expected a Twilio SID');
const address = z.string().min(1).max(64);
/** An inbound-text webhook (Twilio posts more fields; only these are read). */
const inboundParams = z.object({ MessageSid: sid, From: address, To: z.string().max(64).default(''), Body: z.string().max(10_000).default('') });
/** A status callback. */
const statusParams = z.object({ MessageSid: sid, MessageStatus: z.string().min(1).max(32), ErrorCode: z.string().max(16).optional() });

/** True when `signature` is Twilio's HMAC-SHA1 of `url` and `params` under `authToken` (constant-time). */
export function isValidTwilioSignature(authToken: string, signature: string | undefined, url: string, params: Record<string, string>): boolean {
  return Boolean(signature) && twilio.validateRequest(authToken, signature!, url, params);
}

/**
 * Twilio, both ways (courier's handler per channel): sends through the REST API with the official
 * client (`messages.create`), and receives texts and status callbacks on its webhooks, each checked
 * for `X-Twilio-Signature` over the URL Twilio called (the public base URL, not the Host header a
 * proxy rewrote, plus the path and query as received) and exactly the posted parameters.
 */
export class TwilioTransport implements SmsTransport {
  readonly name = 'twilio';
  private readonly client: twilio.Twilio;
  private sink: TransportSink | null = null;

  constructor(private readonly settings: TwilioSettings) {
    this.client = twilio(settings.accountSid, settings.authToken, settings.apiBaseUrl ? { httpClient: new RebasedRequestClient(settings.apiBaseUrl) } : {});
  }

  /** Takes the sink the webhooks hand texts and receipts to. */
  async start(sink: TransportSink): Promise<void> {
    this.sink = sink;
  }

  /** Creates the message; Twilio's errors come back as SendErrors. */
  async send(msg: OutboundSms): Promise<SendResult> {
    const sender = this.settings.messagingServiceSid ? { messagingServiceSid: this.settings.messagingServiceSid } : { from: this.settings.from! };
    try {
      const created = await this.client.messages.create({
        to: msg.to,
        body: msg.body,
        statusCallback: `${this.settings.publicBaseUrl}/webhooks/twilio/status`,
        ...sender,
      });
      return { providerId: created.sid };
    } catch (err) {
      throw classifyTwilioError(err);
    }
  }

  /** `POST /webhooks/twilio/sms` (inbound texts) and `POST /webhooks/twilio/status` (status callbacks). */
  webhooks(): Router {
    const r = Router();
    r.post('/webhooks/twilio/sms', async (req, res) => {
      if (!this.signed(req)) return this.refuse(req, res);
      const parsed = inboundParams.safeParse(req.body ?? {});
      if (!parsed.success) return this.malformed(res, parsed.error);
      const p = parsed.data;
      // Recorded (and deduplicated by MessageSid: Twilio retries) before Twilio gets its 200.
      await this.sink!.inbound({ channel: 'twilio', providerId: p.MessageSid, from: p.From, to: p.To, text: p.Body });
      res.type('text/xml').send(EMPTY_TWIML);
    });
    r.post('/webhooks/twilio/status', async (req, res) => {
      if (!this.signed(req)) return this.refuse(req, res);
      const parsed = statusParams.safeParse(req.body ?? {});
      if (!parsed.success) return this.malformed(res, parsed.error);
      const p = parsed.data;
      const state = TWILIO_STATUS[p.MessageStatus] ?? 'unknown';
      if (state !== 'unknown') {
        const outcome = await this.sink!.report({ channel: 'twilio', providerId: p.MessageSid, state, errorCode: p.ErrorCode || undefined });
        if (outcome === 'unmatched') this.settings.log.warn({ sid: p.MessageSid, status: p.MessageStatus }, 'status callback for an unknown MessageSid');
      }
      res.type('text/xml').send(EMPTY_TWIML);
    });
    return r;
  }

  /** twilio.validateRequest compares in constant time and tries the URL with and without the default port. */
  private signed(req: Request): boolean {
    return isValidTwilioSignature(
      this.settings.authToken,
      req.get('x-twilio-signature'),
      `${this.settings.publicBaseUrl}${req.originalUrl}`,
      (req.body ?? {}) as Record<string, string>,
    );
  }

  private malformed(res: Response, error: z.ZodError): void {
    webhookRejected.inc({ reason: 'invalid' });
    invalid(res, error);
  }

  private refuse(req: Request, res: Response): void {
    webhookRejected.inc({ reason: 'signature' });
    this.settings.log.warn(
      { path: req.path, ip: req.ip, hasSignature: Boolean(req.get('x-twilio-signature')) },
      'twilio webhook refused: bad or missing signature',
    );
    problem(res, 403, 'Invalid Twilio signature');
  }
}
