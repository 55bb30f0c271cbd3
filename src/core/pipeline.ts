import { type Kysely, sql, type Transaction } from 'kysely';
import type { AppConfig } from '../config';
import type { Customer, Database, Db, InboundMessage, Locale, Staff } from '../db/schema';
import { findCustomerByMobile } from '../domain/accounts';
import { audit } from '../domain/audit';
import { maskCardNumbers } from '../domain/pan';
import { senderAddress } from '../domain/phone';
import { findStaffByMobile } from '../domain/staff';
import type { Logger } from '../log';
import type { Clock } from './clock';
import type { Command, CommandContext } from './commands/command';
import { guessLocale, sanitizeText } from './normalize';
import type { Outbox, OutgoingMessage } from './outbox/outbox';
import { KeywordParser, type ParseResult } from './parser';
import type { Notifier } from './notifier';
import type { TemplateValues } from './templates';

/** An inbound text as a transport hands it over. */
export interface InboundSms {
  channel: string;
  providerId: string;
  from: string;
  to: string;
  text: string;
  receivedAt?: Date;
}

/** What the pipeline needs from the rest of the gateway. */
export interface PipelineDeps {
  db: Kysely<Database>;
  config: AppConfig;
  notifier: Notifier;
  outbox: Outbox;
  commands: readonly Command<any>[];
  clock: Clock;
  log: Logger;
  /** Called after replies were committed to the outbox (wakes the dispatcher). */
  onQueued?: () => void;
  /** Called when a text starts being handled (bulk sending gives way). */
  onInteractive?: () => void;
}

/** The inbound pipeline: persist, dedupe, identify, parse, run the command, queue replies. */
export class InboundPipeline {
  private readonly customerParser: KeywordParser;
  private readonly staffParser: KeywordParser;
  private readonly byName: Map<string, Command<any>>;

  constructor(private readonly deps: PipelineDeps) {
    const { commands } = deps;
    this.byName = new Map(commands.map((c) => [c.name, c]));
    this.customerParser = new KeywordParser(commands.filter((c) => c.audience === 'customer'));
    this.staffParser = new KeywordParser(commands.filter((c) => c.audience === 'staff'));
  }

  /**
   * Step 1: records the text (card numbers masked, unstorable characters replaced) and commits.
   * Only after this may a transport acknowledge. A repeat of (channel, provider id) is a duplicate.
   * `db` may be the caller's transaction (the last part of a long text completes its set with it).
   */
  async accept(sms: InboundSms, db: Db = this.deps.db): Promise<{ id: number; duplicate: boolean }> {
    const { config, clock } = this.deps;
    const row = {
      channel: sms.channel,
      provider_id: sms.providerId,
      from_number: senderAddress(sanitizeText(sms.from), config.defaultRegion),
      to_number: sanitizeText(sms.to),
      text: maskCardNumbers(sanitizeText(sms.text)),
      received_at: sms.receivedAt ?? clock(),
    };
    const inserted = await db
      .insertInto('inbound_messages')
      .values(row)
      .onConflict((oc) => oc.columns(['channel', 'provider_id']).doNothing())
      .returning('id')
      .executeTakeFirst();
    if (inserted) return { id: inserted.id, duplicate: false };
    const existing = await db
      .selectFrom('inbound_messages')
      .select('id')
      .where('channel', '=', sms.channel)
      .where('provider_id', '=', sms.providerId)
      .executeTakeFirstOrThrow();
    return { id: existing.id, duplicate: true };
  }

  /** Accepts and processes one text; a duplicate is not processed again. */
  async receive(sms: InboundSms): Promise<{ id: number; duplicate: boolean }> {
    const accepted = await this.accept(sms);
    if (!accepted.duplicate) await this.process(accepted.id);
    return accepted;
  }

  /**
   * Steps 2–5 for one recorded text, in one transaction: the handler's writes, its replies in the
   * outbox and the message's `processed` mark commit together. Safe to call twice.
   */
  async process(id: number): Promise<void> {
    const { db, log } = this.deps;
    this.deps.onInteractive?.();
    try {
      const queued = await db.transaction().execute((trx) => this.processIn(trx, id));
      if (queued) this.deps.onQueued?.();
    } catch (err) {
      log.error({ err, inboundId: id }, 'command failed');
      await db.transaction().execute((trx) => this.fail(trx, id, err));
      this.deps.onQueued?.();
    }
  }

  /** Processes texts recorded but never processed (a crash between accept and process). */
  async recoverPending(olderThanMs = 30_000): Promise<number> {
    const cutoff = new Date(this.deps.clock().getTime() - olderThanMs);
    const rows = await this.deps.db
      .selectFrom('inbound_messages')
      .select('id')
      .where('status', '=', 'received')
      .where('received_at', '<', cutoff)
      .orderBy('id')
      .limit(500)
      .execute();
    for (const { id } of rows) await this.process(id);
    return rows.length;
  }

  private async processIn(trx: Transaction<Database>, id: number): Promise<boolean> {
    const msg = await trx.selectFrom('inbound_messages').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
    if (!msg || msg.status !== 'received') return false;
    // One sender's texts are handled one at a time (rate limit, activation attempts stay exact).
    await sql`SELECT pg_advisory_xact_lock(hashtext(${msg.from_number}))`.execute(trx);
    const now = this.deps.clock();
    const customer = (await findCustomerByMobile(trx, msg.from_number)) ?? null;
    const staff = (await findStaffByMobile(trx, msg.from_number)) ?? null;
    const mark = { customer_id: customer?.id ?? null, staff_id: staff?.id ?? null, processed_at: now };

    const parsed = this.parse(msg.text, staff);
    // Past the per-number rate: one "slow down", then silence (reply loops, SMS pumping); an
    // opt-out is still honoured.
    const recent = await this.countRecent(trx, msg, now);
    if (recent > this.deps.config.rateLimitPerMinute && !(parsed.kind === 'command' && parsed.name === 'stop')) {
      await trx.updateTable('inbound_messages').set({ ...mark, status: 'rate_limited' }).where('id', '=', id).execute();
      if (recent > this.deps.config.rateLimitPerMinute + 1) return false;
      const locale = customer?.locale ?? guessLocale(msg.text);
      await this.deps.outbox.enqueue(trx, [this.replyTo(msg, customer, locale, 'common.slow_down', {})], now);
      return true;
    }

    const command = this.commandFor(parsed, staff);
    const locale: Locale = customer?.locale ?? staff?.locale ?? (parsed.kind === 'empty' ? null : parsed.locale) ?? guessLocale(msg.text);
    const replies: OutgoingMessage[] = [];
    const ctx = this.context(trx, msg, now, customer, staff, locale, replies, parsed);

    if (parsed.kind === 'empty') ctx.reply('help.menu');
    else if (parsed.kind === 'unknown' || !command) ctx.reply('common.unknown', { suggestion: (parsed.kind === 'unknown' && parsed.suggestion) || 'none' });
    else {
      const args = command.args.safeParse(parsed.args);
      if (args.success) await command.run(ctx, args.data);
      else ctx.reply(command.usage, { command: ctx.keyword });
    }
    const name = command?.name ?? parsed.kind;
    await trx.updateTable('inbound_messages').set({ ...mark, status: 'processed', command: name }).where('id', '=', id).execute();
    await ctx.audit(`command.${name}`, null, { inboundId: id, replies: replies.map((r) => r.template) });
    await this.deps.outbox.enqueue(trx, replies, now);
    return replies.length > 0;
  }

  /** Staff phones get the agents' keywords first; everyone gets the cardholder keywords. */
  private parse(text: string, staff: Staff | null): ParseResult {
    const asStaff = staff ? this.staffParser.parse(text) : null;
    return asStaff?.kind === 'command' ? asStaff : this.customerParser.parse(text);
  }

  private commandFor(parsed: ParseResult, staff: Staff | null): Command<any> | undefined {
    if (parsed.kind !== 'command') return undefined;
    const command = this.byName.get(parsed.name);
    return command && (command.audience === 'customer' || staff) ? command : undefined;
  }

  private context(
    trx: Transaction<Database>,
    msg: InboundMessage,
    now: Date,
    customer: Customer | null,
    staff: Staff | null,
    locale: Locale,
    replies: OutgoingMessage[],
    parsed: ParseResult,
  ): CommandContext {
    const self = this;
    const ctx: CommandContext = {
      db: trx,
      config: this.deps.config,
      notifier: this.deps.notifier,
      now,
      inbound: msg,
      sender: msg.from_number,
      customer,
      staff,
      locale,
      keyword: parsed.kind === 'command' ? parsed.keyword : '',
      reply(template, values = {}, opts = {}) {
        const out = self.replyTo(msg, customer, ctx.locale, template, values);
        replies.push({ ...out, class: opts.class ?? out.class });
      },
      render: (template, values = {}) => this.render(ctx.locale, customer, template, values),
      audit: (action, subject = null, details = {}) =>
        audit(trx, {
          actorType: staff ? 'staff' : customer ? 'customer' : 'unknown',
          actorId: staff?.id ?? customer?.id ?? msg.from_number,
          channel: msg.channel,
          action,
          subject,
          details,
        }),
    };
    return ctx;
  }

  private render(locale: Locale, customer: Customer | null, template: string, values: TemplateValues): string {
    return this.deps.notifier.render(locale, customer?.tier ?? null, template, values);
  }

  private replyTo(msg: InboundMessage, customer: Customer | null, locale: Locale, template: string, values: TemplateValues): OutgoingMessage {
    return {
      to: msg.from_number,
      body: this.render(locale, customer, template, values),
      locale,
      template,
      class: 'transactional',
      tier: customer?.tier ?? null,
      customerId: customer?.id ?? null,
      inboundId: msg.id,
      channel: msg.channel,
    };
  }

  private async countRecent(trx: Transaction<Database>, msg: InboundMessage, now: Date): Promise<number> {
    const row = await trx
      .selectFrom('inbound_messages')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('from_number', '=', msg.from_number)
      .where('received_at', '>', new Date(now.getTime() - 60_000))
      .where('id', '<=', msg.id)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  private async fail(trx: Transaction<Database>, id: number, err: unknown): Promise<void> {
    const msg = await trx.selectFrom('inbound_messages').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
    if (!msg || msg.status !== 'received') return;
    const customer = (await findCustomerByMobile(trx, msg.from_number)) ?? null;
    await trx
      .updateTable('inbound_messages')
      .set({ status: 'failed', error: String(err).slice(0, 500), processed_at: this.deps.clock() })
      .where('id', '=', id)
      .execute();
    const reply = this.replyTo(msg, customer, customer?.locale ?? guessLocale(msg.text), 'common.error', {});
    await this.deps.outbox.enqueue(trx, [reply], this.deps.clock());
  }
}
