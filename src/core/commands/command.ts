import { z } from 'zod';
import type { AppConfig } from '../../config';
import type { Card, Customer, Db, InboundMessage, Locale, MessageClass, Staff } from '../../db/schema';
import type { Notifier } from '../messaging/notifier';
import type { TemplateValues } from '../messaging/templates';
import type { Phrasings } from '../inbound/understand';

/** Everything a command handler may use; its writes commit with its replies or not at all. */
export interface CommandContext {
  /** The transaction of the batch; for a `readOnly` command, the pool (it must not write). */
  db: Db;
  config: AppConfig;
  /** Messages to people other than the sender (a customer told of an agent's decision). */
  notifier: Notifier;
  now: Date;
  inbound: InboundMessage;
  /** Sender in E.164 (or as received when it is not a phone number). */
  sender: string;
  customer: Customer | null;
  /** The customer's open cards, oldest first, read with the rest of the batch (none without a customer). */
  cards: Card[];
  staff: Staff | null;
  /** The language replies go out in; LANG changes it. */
  locale: Locale;
  /** The keyword as the sender typed it (normalised), for usage texts. */
  keyword: string;
  /** Queues a reply to the sender, rendered from a template in `locale`. */
  reply(template: string, values?: TemplateValues, opts?: { class?: MessageClass }): void;
  /** Renders a template in `locale` without sending it (lines of a list). */
  render(template: string, values?: TemplateValues): string;
  /** Appends to the audit trail in this transaction. */
  audit(action: string, subject?: string | null, details?: Record<string, unknown>): Promise<void>;
}

/** One business command: keywords per language, an argument schema and a handler. */
export interface Command<A = unknown> {
  name: string;
  /** `customer` commands serve cardholders; `staff` commands answer only registered staff phones. */
  audience: 'customer' | 'staff';
  aliases: Readonly<Record<Locale, readonly string[]>>;
  /** Validates the argument words; a failure is answered with `usage`. */
  args: z.ZodType<A, string[]>;
  /** Template key answered when the arguments do not validate. */
  usage: string;
  run(ctx: CommandContext, args: A): Promise<void>;
  /**
   * Writes nothing: its texts are handled without a transaction or a sender lock, from what the
   * batch read (customer, cards) and what it reads through the pool. Only a read-only command is
   * answered on a loose phrasing.
   */
  readOnly?: boolean;
  /**
   * Words and phrases that name this command inside a sentence, per language, besides its keywords
   * ("what's my balance", "查询余额"). A read-only command is answered on them when it is the only
   * intent in a short text; any other command is only asked about (docs/keywords.md).
   */
  phrasings?: Phrasings;
  /** Keywords that count only as the whole text: carrier words that are also everyday words (CANCEL, END). */
  standalone?: readonly string[];
  /** Acts on its exact keyword even when asked ("STOP?"): a missed opt-out is the worse mistake. */
  evenAsked?: boolean;
  /** A general intent (the menu): named beside another read-only intent ("help me check my balance"), the other one wins. */
  fallback?: boolean;
}

/** Declares a command with its argument type inferred from the schema. */
export function defineCommand<A>(command: Command<A>): Command<A> {
  return command;
}

/** No arguments; words after the keyword are ignored ("STOP sending me offers" still opts out). */
export const anyWords = z.array(z.string()).transform(() => ({}));

/** No arguments at all: a read-only keyword followed by words ("points and balance") is read loosely instead. */
export const noArgs = z.tuple([]).transform(() => ({}));

/** An optional last-4 card selector. */
export const optionalLast4 = z.union([z.tuple([]), z.tuple([z.string().regex(/^\d{4}$/)])]).transform((t) => ({ last4: t[0] as string | undefined }));
