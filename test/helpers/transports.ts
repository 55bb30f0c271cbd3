import type { OutboundSms, SendResult, SmsTransport } from '../../src/transport/types';

/** A transport that records every send and answers as a test tells it to. */
export class ScriptedTransport implements SmsTransport {
  readonly sent: OutboundSms[] = [];
  readonly calls: OutboundSms[] = [];
  up = true;
  private n = 0;

  constructor(
    readonly name: string,
    private readonly answer: (msg: OutboundSms, attempt: number) => Promise<SendResult> | SendResult = () => ({ providerId: '' }),
  ) {}

  isUp(): boolean {
    return this.up;
  }

  async send(msg: OutboundSms): Promise<SendResult> {
    this.calls.push(msg);
    const attempt = this.calls.filter((m) => m.id === msg.id).length;
    const result = await this.answer(msg, attempt);
    this.sent.push(msg);
    return result.providerId ? result : { ...result, providerId: `${this.name}-${++this.n}` };
  }
}
