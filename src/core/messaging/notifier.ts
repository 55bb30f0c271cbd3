import type { AppConfig } from '../../config';
import type { Customer, Db, EventRow, Locale, MessageClass, Staff, Tier } from '../../db/schema';
import { Outbox } from '../outbox/outbox';
import { formatMoment, Templates, TEMPLATES_DIR, type TemplateValues } from './templates';

/** Options of a message the gateway starts (not a reply). */
export interface NoticeOptions {
  class: MessageClass;
  now: Date;
  dedupeKey?: string;
  expiresAt?: Date | null;
  channel?: string | null;
}

/** Renders templates for a person (language, tier, hotline) and queues them in the caller's transaction. */
export class Notifier {
  constructor(
    private readonly templates: Templates,
    private readonly outbox: Outbox,
    private readonly config: AppConfig,
  ) {}

  /** A template in a locale, with the tier, the tier's hotline and the program's name available to it. */
  render(locale: Locale, tier: Tier | null, template: string, values: TemplateValues = {}): string {
    const t = tier ?? 'standard';
    const hotline = t === 'platinum' ? this.config.platinumHotline : this.config.hotline;
    return this.templates.render(locale, template, { tier: t, hotline, program: this.config.programName, ...values });
  }

  /** The opt-out line the outbox adds to marketing in a language (`Reply STOP to opt out`, `回复TD退订`). */
  optOutLine(locale: Locale): string {
    return this.templates.render(locale, 'consent.unsubscribe');
  }

  /** Queues a message to a customer in their language. Returns the new id (none when deduplicated). */
  async toCustomer(db: Db, customer: Customer, template: string, values: TemplateValues, opts: NoticeOptions): Promise<number | undefined> {
    const [id] = await this.outbox.enqueue(
      db,
      [
        {
          to: customer.mobile,
          body: this.render(customer.locale, customer.tier, template, values),
          locale: customer.locale,
          template,
          class: opts.class,
          tier: customer.tier,
          customerId: customer.id,
          dedupeKey: opts.dedupeKey,
          expiresAt: opts.expiresAt,
          channel: opts.channel,
        },
      ],
      opts.now,
    );
    return id;
  }

  /** Queues a service message to a staff member's registered phone, in their language. */
  async toStaff(db: Db, staff: Staff, template: string, values: TemplateValues, now: Date): Promise<void> {
    if (!staff.mobile) return;
    await this.outbox.enqueue(
      db,
      [{ to: staff.mobile, body: this.render(staff.locale, null, template, values), locale: staff.locale, template, class: 'service' }],
      now,
    );
  }

  /** An event as a customer reads it: title in their language, start in their time zone. */
  eventValues(event: EventRow, customer: Customer): TemplateValues {
    return {
      event: event.title[customer.locale] ?? event.title.en,
      code: event.code,
      venue: event.venue,
      when: formatMoment(event.starts_at, customer.time_zone, customer.locale),
    };
  }
}

/** The templates, the outbox that writes with them and the notifier, wired once for the gateway, the CLI and benchmarks. */
export function createMessaging(config: AppConfig): { templates: Templates; outbox: Outbox; notifier: Notifier } {
  const templates = new Templates(TEMPLATES_DIR);
  const outbox = new Outbox(templates, config.maxSegmentsPerMessage);
  return { templates, outbox, notifier: new Notifier(templates, outbox, config) };
}
