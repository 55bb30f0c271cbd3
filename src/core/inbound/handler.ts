import type { Kysely, Transaction } from 'kysely';
import type { AppConfig } from '../../config';
import type { Customer, Database, Db, InboundMessage, Locale, Staff } from '../../db/schema';
import { findCustomerByMobile, type Sender, senderFrom } from '../../domain/accounts';
import { audit, type AuditEntry } from '../../domain/audit';
import { maskCardNumbers } from '../../domain/pan';
import { type BatchText, type Mark, type RateWindows, readTexts, writeOutcomes } from './batch';
import { SlidingMinuteBudget } from './budget';
import type { Clock } from '../../shared/clock';
import type { Logger } from '../../shared/log';
import { isAlphanumericSender } from '../../shared/sender';
import type { Command, CommandContext } from '../commands/command';
import { guessLocale } from './normalize';
import type { Notifier } from '../messaging/notifier';
import type { ClaimedMessage } from '../outbox/claim';
import type { HandOff, Outbox, OutgoingMessage } from '../outbox/outbox';
import { KeywordParser, type ParseResult } from './parser';
import type { TemplateValues } from '../messaging/templates';
import { inboundTotal } from '../../shared/metrics';
import { activeInfoKeyword, infoReply } from '../../domain/info-keywords';
import { infoLookupWord } from '../info/keywords';

/** What handling texts needs. */
export interface HandlerDeps {
  config: AppConfig;
  notifier: Notifier;
  outbox: Outbox;
  commands: readonly Command[];
  clock: Clock;
  /** The dispatcher replies are handed to as they commit; without, they are queued for a claim. */
  handOff?: HandOff;
  log?: Logger;
}

/** The outcome of handling a batch of recorded texts. */
export interface Handled {
  /** Texts left for a later batch: a second text from a sender already in this one (and see `answer`). */
  deferred: number[];
  /** Whether any reply was queued for a claim. */
  queued: boolean;
  /** Replies queued already claimed, for the hand-off once the transaction commits. */
  claimed: ClaimedMessage[];
}

/**
 * Steps 2–5 for recorded texts: lock each sender, identify, rate-limit, parse, run the command,
 * queue the replies and mark the texts — all in the caller's transaction, so each text's writes,
 * replies and mark commit together. Texts are read, marked, audited and queued in one statement
 * each per batch (a statement per text was most of the cost at load); commands run one by one.
 * Texts naming read-only commands (BAL, PTS, HELP) may skip the transaction and locks (`answer`).
 */
export class TextHandler {
  private readonly customerParser: KeywordParser;
  private readonly staffParser: KeywordParser;
  private readonly byName: Map<string, Command>;
  /** Answers to unknown numbers per minute, all together (SMS pumping). */
  private readonly unknownBudget: SlidingMinuteBudget;

  constructor(private readonly deps: HandlerDeps) {
    const { commands } = deps;
    this.unknownBudget = new SlidingMinuteBudget(deps.config.unknownSenderRepliesPerMinute);
    this.byName = new Map(commands.map((c) => [c.name, c]));
    this.customerParser = new KeywordParser(commands.filter((c) => c.audience === 'customer'));
    // Agents type their keywords exactly; staff texts are never read loosely.
    this.staffParser = new KeywordParser(
      commands.filter((c) => c.audience === 'staff'),
      { understand: false },
    );
  }

  /**
   * Whether a text may be answered without a transaction (see `answer`): it names a read-only
   * command, or none, whoever sends it (staff keywords are never read-only).
   */
  answersOnly(text: string): boolean {
    if (this.staffParser.parse(text).kind === 'command') return false;
    const parsed = this.customerParser.parse(text);
    return parsed.kind !== 'command' || this.byName.get(parsed.name)?.readOnly === true;
  }

  /**
   * Handles the texts `ids` that are still `received`, oldest first, one per sender, in the caller's
   * transaction with each sender locked: each text's writes, replies and mark commit together.
   */
  async handle(trx: Transaction<Database>, ids: readonly number[]): Promise<Handled> {
    return this.run(trx, await readTexts(trx, ids, this.windows(), true), []);
  }

  /**
   * Answers the texts `ids` that name read-only commands in two statements and no transaction
   * (nothing to roll back; the answer statement marks only texts still `received`). Texts that turn
   * out otherwise, or whose sender has an earlier text still unhandled, come back in `deferred`.
   * Texts already read (by `recordTexts`) are given as `read`.
   */
  async answer(db: Kysely<Database>, ids: readonly number[], read: readonly BatchText[] = []): Promise<Handled> {
    const rows = [...read, ...(ids.length > 0 ? await readTexts(db, ids, this.windows(), false) : [])].sort((a, b) => a.id - b.id);
    const ready = rows.filter((m) => !m.behind && !m.incomplete && this.answersOnly(m.text));
    const ok = new Set(ready);
    return this.run(
      db,
      ready,
      rows.filter((m) => !ok.has(m)).map((m) => m.id),
    );
  }

  /** The rate limits' windows now: the last minute, the last 24 hours (counted to the daily budget plus one). */
  windows(): RateWindows {
    const now = this.deps.clock().getTime();
    return { minute: new Date(now - 60_000), day: new Date(now - 86_400_000), dayCap: this.deps.config.repliesPerNumberPerDay + 1 };
  }

  private async run(db: Db, rows: BatchText[], deferred: number[]): Promise<Handled> {
    // One text per sender per batch: a command may change what the next one sees (LANG, ACT attempts).
    const seen = new Set<string>();
    const msgs = rows.filter((m) => !seen.has(m.from_number) && seen.add(m.from_number));
    const first = new Set(msgs);
    deferred.push(...rows.filter((m) => !first.has(m)).map((m) => m.id));
    if (msgs.length === 0) return { deferred, queued: false, claimed: [] };
    const now = this.deps.clock();
    const batch = { marks: [] as Mark[], audits: [] as { inboundId: number; entry: AuditEntry }[], replies: [] as OutgoingMessage[] };
    for (const msg of msgs) {
      const { recent, today, behind: _behind, customer, staff, cards, ...text } = msg;
      const out = await this.one(db, text, now, senderFrom({ customer, staff, cards }), { recent, today });
      batch.marks.push(out.mark);
      if (out.audit) batch.audits.push({ inboundId: msg.id, entry: out.audit });
      batch.replies.push(...out.replies.filter((r) => !isAlphanumericSender(r.to))); // it cannot be texted back
    }
    const lease = this.deps.handOff?.lease(now) ?? null;
    const { claimed: queued, marked } = await writeOutcomes(db, this.deps.outbox, batch, now, lease);
    // Counted once, by the process that marked the text (another may have answered it first).
    const mine = new Set(marked);
    for (const [i, m] of batch.marks.entries()) {
      if (mine.has(m.id)) inboundTotal.inc({ channel: msgs[i].channel, command: m.status === 'processed' ? (m.command ?? 'none') : m.status });
    }
    return { deferred, queued: !lease && queued.length > 0, claimed: lease ? queued : [] };
  }

  /** Queues the apology for a text whose command failed, and marks it failed. */
  async fail(trx: Transaction<Database>, id: number, err: unknown): Promise<void> {
    const msg = await trx.selectFrom('inbound_messages').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
    if (!msg || msg.status !== 'received') return;
    const customer = (await findCustomerByMobile(trx, msg.from_number)) ?? null;
    const now = this.deps.clock();
    await trx
      .updateTable('inbound_messages')
      .set({ status: 'failed', error: maskCardNumbers(String(err)).slice(0, 500), processed_at: now })
      .where('id', '=', id)
      .execute();
    if (isAlphanumericSender(msg.from_number)) return;
    await this.deps.outbox.enqueue(trx, [this.replyTo(msg, customer, customer?.locale ?? guessLocale(msg.text), 'common.error', {})], now);
    inboundTotal.inc({ channel: msg.channel, command: 'failed' });
  }

  private async one(trx: Db, msg: InboundMessage, now: Date, who: Sender, { recent, today }: { recent: number; today: number }) {
    const { customer, staff } = who;
    const mark = { id: msg.id, customer_id: customer?.id ?? null, staff_id: staff?.id ?? null };
    const parsed = this.parse(msg.text, staff);
    const limit = this.deps.config.rateLimitPerMinute;
    const stop = parsed.kind === 'command' && parsed.name === 'stop';
    const limited = { mark: { ...mark, status: 'rate_limited' as const, command: null }, audit: null };
    // Past the per-number rate: one "slow down", then silence (reply loops, SMS pumping); past the
    // daily budget or the unknown senders' budget, silence. An opt-out is still honoured.
    if (recent > limit && !stop) {
      const slowDown = recent === limit + 1 ? [this.replyTo(msg, customer, customer?.locale ?? guessLocale(msg.text), 'common.slow_down', {})] : [];
      return { ...limited, replies: slowDown };
    }
    if (!stop && this.overBudget(today, !customer && !staff, now)) return { ...limited, replies: [] };
    if (msg.incomplete) {
      // Parts of it never came: what arrived is not read as a command, and the sender is asked to send it again.
      const locale = customer?.locale ?? staff?.locale ?? guessLocale(msg.text);
      const entry: AuditEntry = { ...this.actor(msg, customer, staff), action: 'command.incomplete', subject: null, details: { inboundId: msg.id } };
      return {
        mark: { ...mark, status: 'processed' as const, command: 'incomplete' },
        audit: entry,
        replies: [this.replyTo(msg, customer, locale, 'common.incomplete', {})],
      };
    }
    const command = this.commandFor(parsed, staff);
    const locale: Locale = customer?.locale ?? staff?.locale ?? (parsed.kind === 'empty' ? null : parsed.locale) ?? guessLocale(msg.text);
    const replies: OutgoingMessage[] = [];
    const ctx = this.context(trx, msg, now, who, locale, replies, parsed);
    const understood: Record<string, unknown> = {};
    // Not a built-in keyword: perhaps a staff-defined information keyword (live, never shadowing one).
    const infoWord = parsed.kind === 'unknown' || parsed.kind === 'unsure' || parsed.kind === 'ambiguous' ? infoLookupWord(msg.text) : null;
    const info = infoWord ? await activeInfoKeyword(trx, infoWord, now) : undefined;
    if (info) {
      ctx.reply('info.reply', { text: infoReply(info, ctx.locale, customer?.tier ?? null) });
      understood.info = info.keyword;
    } else if (parsed.kind === 'empty') ctx.reply('help.menu');
    else if (parsed.kind === 'unsure') {
      // An action named loosely, negated or asked: say how to do it, do nothing.
      ctx.reply('understand.unsure', { action: parsed.name, keyword: this.keywordOf(parsed.name, ctx.locale) });
      understood.asked = parsed.name;
    } else if (parsed.kind === 'ambiguous') {
      ctx.reply('understand.which', { choices: parsed.names.map((n) => this.keywordOf(n, ctx.locale)).join(' / ') });
      understood.choices = parsed.names;
    } else if (parsed.kind === 'unknown' || !command) ctx.reply('common.unknown', { suggestion: (parsed.kind === 'unknown' && parsed.suggestion) || 'none' });
    else {
      if (parsed.loose) understood.loose = true;
      const args = command.args.safeParse(parsed.args);
      if (args.success) await command.run(ctx, args.data);
      else {
        ctx.reply(command.usage, { command: ctx.keyword });
        understood.usage = true;
      }
    }
    const name = info ? 'info' : (command?.name ?? parsed.kind);
    const entry: AuditEntry = {
      ...this.actor(msg, customer, staff),
      action: `command.${name}`,
      subject: null,
      details: { inboundId: msg.id, replies: replies.map((r) => r.template), ...understood },
    };
    return { mark: { ...mark, status: 'processed' as const, command: name }, audit: entry, replies };
  }

  /** True past the number's daily budget, or for an unknown number past the unknown senders' budget. */
  private overBudget(today: number, unknown: boolean, now: Date): boolean {
    if (today > this.deps.config.repliesPerNumberPerDay) return true;
    if (!unknown || this.unknownBudget.take(now)) return false;
    if (this.unknownBudget.warnNow(now)) {
      this.deps.log?.warn(
        { perMinute: this.unknownBudget.perMinute },
        'unknown senders reply budget spent: texts from unknown numbers go unanswered this minute',
      );
    }
    return true;
  }

  /** Staff phones get the agents' keywords first; everyone gets the cardholder keywords. */
  private parse(text: string, staff: Staff | null): ParseResult {
    const asStaff = staff ? this.staffParser.parse(text) : null;
    return asStaff?.kind === 'command' ? asStaff : this.customerParser.parse(text);
  }

  /** A command's first keyword in a language, to show in a question (LOST, 挂失). */
  private keywordOf(name: string, locale: Locale): string {
    return this.byName.get(name)?.aliases[locale][0] ?? name;
  }

  private commandFor(parsed: ParseResult, staff: Staff | null): Command | undefined {
    if (parsed.kind !== 'command') return undefined;
    const command = this.byName.get(parsed.name);
    return command && (command.audience === 'customer' || staff) ? command : undefined;
  }

  private actor(msg: InboundMessage, customer: Customer | null, staff: Staff | null): Pick<AuditEntry, 'actorType' | 'actorId' | 'channel'> {
    return { actorType: staff ? 'staff' : customer ? 'customer' : 'unknown', actorId: staff?.id ?? customer?.id ?? msg.from_number, channel: msg.channel };
  }

  private context(
    trx: Db,
    msg: InboundMessage,
    now: Date,
    { customer, cards, staff }: Sender,
    locale: Locale,
    replies: OutgoingMessage[],
    parsed: ParseResult,
  ): CommandContext {
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
      reply: (template, values = {}, opts = {}) => {
        const out = this.replyTo(msg, customer, ctx.locale, template, values);
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
