import twilio from 'twilio';
import type { OutboundSms, SendResult, SmsTransport } from '../types';
import { classifyTwilioError } from './errors';

/** What the Twilio adapter needs. */
export interface TwilioSettings {
  accountSid: string;
  authToken: string;
  from?: string;
  messagingServiceSid?: string;
  /** Where Twilio posts status callbacks (PUBLIC_BASE_URL + /webhooks/twilio/status). */
  statusCallback: string;
  /** Another REST base URL (a local fake in tests, a proxy); unset: api.twilio.com. */
  apiBaseUrl?: string;
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

/** Sends through Twilio's REST API with the official client (`messages.create`). */
export class TwilioTransport implements SmsTransport {
  readonly name = 'twilio';
  private readonly client: twilio.Twilio;

  constructor(private readonly settings: TwilioSettings) {
    this.client = twilio(settings.accountSid, settings.authToken, settings.apiBaseUrl ? { httpClient: new RebasedRequestClient(settings.apiBaseUrl) } : {});
  }

  /** Creates the message; Twilio's errors come back as SendErrors. */
  async send(msg: OutboundSms): Promise<SendResult> {
    const sender = this.settings.messagingServiceSid ? { messagingServiceSid: this.settings.messagingServiceSid } : { from: this.settings.from! };
    try {
      const created = await this.client.messages.create({ to: msg.to, body: msg.body, statusCallback: this.settings.statusCallback, ...sender });
      return { providerId: created.sid };
    } catch (err) {
      throw classifyTwilioError(err);
    }
  }
}
