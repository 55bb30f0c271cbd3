import { sql, type Transaction } from 'kysely';
import type { AppConfig } from '../config';
import { columns } from '../db/columns';
import type { Customer, Database, InboundMessage, Locale, Staff } from '../db/schema';
import { findCustomerByMobile, type Sender, type SenderColumns, senderColumns, senderFrom } from '../domain/accounts';
import { audit, type AuditEntry, auditRow } from '../domain/audit';
import type { Clock } from './clock';
import type { Command, CommandContext } from './commands/command';
import { guessLocale } from './normalize';
import type { Notifier } from './notifier';
import type { ClaimedMessage } from './outbox/claim';
import type { HandOff, Outbox, OutgoingMessage } from './outbox/outbox';
import { KeywordParser, type ParseResult } from './parser';
import type { TemplateValues } from './templates';

/** What handling texts needs. */
export interface HandlerDeps {
  config: AppConfig;
  notifier: Notifier;
  outbox: Outbox;
  commands: readonly Command<any>[];
  clock: Clock;
  /** The dispatcher replies are handed to as they commit; without, they are queued for a claim. */
  handOff?: HandOff;
}

/** The outcome of handling a batch of recorded texts. */
export interface Handled {
  /** Texts left for a later batch: a second text from a sender already in this one. */
  deferred: number[];
  /** Whether any reply was queued for a claim. */
  queued: boolean;
  /** Replies queued already claimed, for the hand-off once the transaction commits. */
  claimed: ClaimedMessage[];
}

type Mark = Pick<InboundMessage, 'id' | 'customer_id' | 'staff_id' | 'status' | 'command'>;

/**
 * Steps 2–5 for recorded texts: lock each sender, identify, rate-limit, parse, run the command,
 * queue the replies and mark the texts — all in the caller's transaction, so each text's writes,
 * replies and mark commit together. Texts are read, marked, audited and queued in one statement
 * each per batch (a statement per text was most of the cost at load); commands run one by one.
 */
export class TextHandler {
  private readonly customerParser: KeywordParser;
  private readonly staffParser: KeywordParser;
  private readonly byName: Map<string, Command<any>>;

  constructor(private readonly deps: HandlerDeps) {
    const { commands } = deps;
    this.byName = new Map(commands.map((c) => [c.name, c]));
    this.customerParser = new KeywordParser(commands.filter((c) => c.audience === 'customer'));
    this.staffParser = new KeywordParser(commands.filter((c) => c.audience === 'staff'));
  }

  /** Handles the texts `ids` that are still `received`, oldest first, one per sender. */
  async handle(trx: Transaction<Database>, ids: readonly number[]): Promise<Handled> {
    const since = new Date(this.deps.clock().getTime() - 60_000);
    // One sender's texts are handled one at a time (rate limit, activation attempts stay exact): the
    // senders are locked first, in one order so two batches cannot deadlock, in the same statement
    // that reads and row-locks the texts with their rate-limit counts and their senders' accounts.
    const { rows } = await sql<InboundMessage & SenderColumns & { recent: number }>`
      WITH locks AS MATERIALIZED (
        SELECT pg_advisory_xact_lock(k) FROM (
          SELECT DISTINCT hashtext(from_number) AS k FROM inbound_messages
           WHERE id = ANY(${[...ids]}::bigint[]) AND status = 'received' ORDER BY k OFFSET 0) t)
      SELECT m.*, (SELECT count(*)::int FROM inbound_messages i
                    WHERE i.from_number = m.from_number AND i.received_at > ${since} AND i.id <= m.id) AS recent,
             ${senderColumns('m.from_number')}
        FROM inbound_messages m
       WHERE m.id = ANY(${[...ids]}::bigint[]) AND m.status = 'received' AND (SELECT count(*) FROM locks) >= 0
       ORDER BY m.id
         FOR UPDATE OF m`.execute(trx);
    // One text per sender per batch: a command may change what the next one sees (LANG, ACT attempts).
    const seen = new Set<string>();
    const msgs = rows.filter((m) => !seen.has(m.from_number) && seen.add(m.from_number));
    const first = new Set(msgs);
    const deferred = rows.filter((m) => !first.has(m)).map((m) => m.id);
    if (msgs.length === 0) return { deferred, queued: false, claimed: [] };
    const now = this.deps.clock();
    const marks: Mark[] = [];
    const audits: AuditEntry[] = [];
    const replies: OutgoingMessage[] = [];
    for (const msg of msgs) {
      const { recent, customer, staff, cards, ...text } = msg;
      const out = await this.one(trx, text, now, senderFrom({ customer, staff, cards }), recent);
      marks.push(out.mark);
      if (out.audit) audits.push(out.audit);
      replies.push(...out.replies);
    }
    const mark = columns(marks);
    const entry = columns(audits.map(auditRow));
    const lease = this.deps.handOff?.lease(now) ?? null;
    const { rows: queued } = await sql<ClaimedMessage>`
      WITH marked AS (
        UPDATE inbound_messages m
           SET status = u.status, command = u.command, customer_id = u.customer_id, staff_id = u.staff_id, processed_at = ${now}
          FROM unnest(${mark('id')}::bigint[], ${mark('status')}::text[], ${mark('command')}::text[],
                      ${mark('customer_id')}::int[], ${mark('staff_id')}::int[]) AS u(id, status, command, customer_id, staff_id)
         WHERE m.id = u.id AND m.id = ANY(${mark('id')}::bigint[])),
      audited AS (
        INSERT INTO audit_log (actor_type, actor_id, channel, action, subject, details)
        SELECT * FROM unnest(${entry('actor_type')}::text[], ${entry('actor_id')}::text[], ${entry('channel')}::text[],
                             ${entry('action')}::text[], ${entry('subject')}::text[], ${entry('details')}::jsonb[]))
      ${this.deps.outbox.insert(replies, now, lease)}`.execute(trx);
    return { deferred, queued: !lease && queued.length > 0, claimed: lease ? queued : [] };
  }

  /** Queues the apology for a text whose command failed, and marks it failed. */
  async fail(trx: Transaction<Database>, id: number, err: unknown): Promise<void> {
    const msg = await trx.selectFrom('inbound_messages').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
    if (!msg || msg.status !== 'received') return;
    const customer = (await findCustomerByMobile(trx, msg.from_number)) ?? null;
    const now = this.deps.clock();
    await trx.updateTable('inbound_messages').set({ status: 'failed', error: String(err).slice(0, 500), processed_at: now }).where('id', '=', id).execute();
    await this.deps.outbox.enqueue(trx, [this.replyTo(msg, customer, customer?.locale ?? guessLocale(msg.text), 'common.error', {})], now);
  }

  private async one(trx: Transaction<Database>, msg: InboundMessage, now: Date, who: Sender, recent: number) {
    const { customer, staff } = who;
    const mark = { id: msg.id, customer_id: customer?.id ?? null, staff_id: staff?.id ?? null };
    const parsed = this.parse(msg.text, staff);
    const limit = this.deps.config.rateLimitPerMinute;
    // Past the per-number rate: one "slow down", then silence (reply loops, SMS pumping); an
    // opt-out is still honoured.
    if (recent > limit && !(parsed.kind === 'command' && parsed.name === 'stop')) {
      const slowDown = recent === limit + 1 ? [this.replyTo(msg, customer, customer?.locale ?? guessLocale(msg.text), 'common.slow_down', {})] : [];
      return { mark: { ...mark, status: 'rate_limited' as const, command: null }, audit: null, replies: slowDown };
    }
    const command = this.commandFor(parsed, staff);
    const locale: Locale = customer?.locale ?? staff?.locale ?? (parsed.kind === 'empty' ? null : parsed.locale) ?? guessLocale(msg.text);
    const replies: OutgoingMessage[] = [];
    const ctx = this.context(trx, msg, now, who, locale, replies, parsed);
    if (parsed.kind === 'empty') ctx.reply('help.menu');
    else if (parsed.kind === 'unknown' || !command) ctx.reply('common.unknown', { suggestion: (parsed.kind === 'unknown' && parsed.suggestion) || 'none' });
    else {
      const args = command.args.safeParse(parsed.args);
      if (args.success) await command.run(ctx, args.data);
      else ctx.reply(command.usage, { command: ctx.keyword });
    }
    const name = command?.name ?? parsed.kind;
    const entry: AuditEntry = { ...this.actor(msg, customer, staff), action: `command.${name}`, subject: null, details: { inboundId: msg.id, replies: replies.map((r) => r.template) } };
    return { mark: { ...mark, status: 'processed' as const, command: name }, audit: entry, replies };
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

  private actor(msg: InboundMessage, customer: Customer | null, staff: Staff | null): Pick<AuditEntry, 'actorType' | 'actorId' | 'channel'> {
    return { actorType: staff ? 'staff' : customer ? 'customer' : 'unknown', actorId: staff?.id ?? customer?.id ?? msg.from_number, channel: msg.channel };
  }

  private context(
    trx: Transaction<Database>,
    msg: InboundMessage,
    now: Date,
    { customer, cards, staff }: Sender,
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
      cards,
      staff,
      locale,
      keyword: parsed.kind === 'command' ? parsed.keyword : '',
      reply(template, values = {}, opts = {}) {
        const out = self.replyTo(msg, customer, ctx.locale, template, values);
        replies.push({ ...out, class: opts.class ?? out.class });
      },
      render: (template, values = {}) => this.render(ctx.locale, customer, template, values),
      audit: (action, subject = null, details = {}) => audit(trx, { ...this.actor(msg, customer, staff), action, subject, details }),
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
}
