import { randomUUID } from 'node:crypto';
import type { OutboundSms, SendResult, SmsTransport } from '../types';

/** A message the dev channel "delivered". */
export interface DevDelivery {
  /** The outbox row id. */
  id: number;
  providerId: string;
  to: string;
  body: string;
  at: Date;
}

/**
 * The development channel: texts come in through `POST /dev/sms` or `npm run sms`, replies are
 * kept in memory (the last 1,000) and logged instead of reaching a phone.
 */
export class DevTransport implements SmsTransport {
  readonly name = 'dev';
  /** Recent deliveries, newest last. */
  readonly delivered: DevDelivery[] = [];

  constructor(private readonly onSend?: (d: DevDelivery) => void) {}

  /** "Delivers" by remembering the message. */
  async send(msg: OutboundSms): Promise<SendResult> {
    const delivery = { id: msg.id, providerId: `dev-${randomUUID()}`, to: msg.to, body: msg.body, at: new Date() };
    this.delivered.push(delivery);
    if (this.delivered.length > 1000) this.delivered.shift();
    this.onSend?.(delivery);
    return { providerId: delivery.providerId };
  }
}
