// The quick way through a customer line: plain checks that accept only what the zod schema plainly
// accepts, and build the very object it would. Anything else (a bad field, a value zod would trim or
// default in a way not copied here) goes to the schema itself, so a refused line gets zod's precise
// message. An NDJSON file is millions of such lines: zod took ~15 µs of each, this ~2 µs.
import type { z } from 'zod';
import { isCardNumber } from '../pan';
import { mobileE164 } from '../phone';
import { cardStatus, customerSchema, type ImportCustomer, locale, MAX_AMOUNT, MAX_INT, moment, RECORD_KEYS, realDay, tier, validZone } from './import.schema';

type Raw = Record<string, unknown>;
type Card = ImportCustomer['cards'][number];
type Statement = Card['statements'][number];
type Transaction = Card['transactions'][number];

/** Checks one parsed line: the customer it describes, or zod's issues. */
export type CustomerCheck = (raw: unknown) => z.ZodSafeParseResult<ImportCustomer>;

/** The check of customers for `region`: the quick path, then the schema for anything it does not accept. */
export function customerCheck(region: string): CustomerCheck {
  const schema = customerSchema(region);
  return (raw) => {
    const data = quickCustomer(raw, region);
    return data ? { success: true, data } : schema.safeParse(raw);
  };
}

const LOCALES = new Set<string>(locale.options);
const TIERS = new Set<string>(tier.options);
const STATUSES = new Set<string>(cardStatus.options);
const DAY = /^\d{4}-\d{2}-\d{2}$/;
const CURRENCY = /^[A-Z]{3}$/;

/**
 * A whole number of cents, as zod's multipleOf(0.01) decides it (its util.floatSafeRemainder; a
 * unit test holds the two together).
 */
export function cents(v: number): boolean {
  const ratio = v / 0.01;
  return Math.abs(ratio - Math.round(ratio)) < 4 * Number.EPSILON * Math.max(Math.abs(ratio), 1);
}
const isObject = (v: unknown): v is Raw => typeof v === 'object' && v !== null && !Array.isArray(v);
const onlyKeys = (o: Raw, keys: Set<string>) => Object.keys(o).every((k) => keys.has(k));
/** A string with nothing to trim, 1..max long (in UTF-16 units: within that, zod's code points agree). */
const text = (v: unknown, max: number): v is string => typeof v === 'string' && v.length >= 1 && v.length <= max && v.trim() === v;
const plain = (v: unknown, max: number): v is string => typeof v === 'string' && v.length >= 1 && v.length <= max;
const day = (v: unknown): v is string => typeof v === 'string' && DAY.test(v) && realDay(v);
const amount = (v: unknown, min = -MAX_AMOUNT): v is number => typeof v === 'number' && Number.isFinite(v) && v >= min && v <= MAX_AMOUNT && cents(v);
const when = (v: unknown): v is string => typeof v === 'string' && moment.safeParse(v).success;
/** Absent (the default applies), or a value `ok` accepts. */
const opt = <T>(v: unknown, ok: (v: unknown) => v is T): boolean => v === undefined || ok(v);
const isBool = (v: unknown): v is boolean => typeof v === 'boolean';
const oneOf =
  (set: Set<string>) =>
  (v: unknown): v is string =>
    typeof v === 'string' && set.has(v);

/** The customer a plainly valid line describes, built as the schema would; undefined for anything else. */
export function quickCustomer(raw: unknown, region: string): ImportCustomer | undefined {
  if (!isObject(raw) || !onlyKeys(raw, RECORD_KEYS.customer)) return undefined;
  const r = raw;
  if (!text(r.externalId, 64) || !text(r.name, 200) || typeof r.mobile !== 'string') return undefined;
  if (!opt(r.locale, oneOf(LOCALES)) || !opt(r.tier, oneOf(TIERS)) || !opt(r.birthday, day) || !opt(r.asOf, when)) return undefined;
  if (r.timeZone !== undefined && !(typeof r.timeZone === 'string' && validZone(r.timeZone))) return undefined;
  if (r.points !== undefined && !(Number.isSafeInteger(r.points) && (r.points as number) >= 0 && (r.points as number) <= MAX_INT)) return undefined;
  if (!opt(r.marketingConsent, isBool) || !opt(r.greetingsOptOut, isBool)) return undefined;
  if (r.cards !== undefined && !Array.isArray(r.cards)) return undefined;
  const cards: Card[] = [];
  for (const k of (r.cards as unknown[] | undefined) ?? []) {
    const card = quickCard(k);
    if (!card) return undefined;
    cards.push(card);
  }
  const phone = mobileE164(r.mobile, region);
  if ('problem' in phone) return undefined;
  const out: ImportCustomer = {
    externalId: r.externalId,
    name: r.name,
    mobile: phone.e164,
    locale: (r.locale as ImportCustomer['locale'] | undefined) ?? 'zh-CN',
    timeZone: (r.timeZone as string | undefined) ?? 'Asia/Shanghai',
    tier: (r.tier as ImportCustomer['tier'] | undefined) ?? 'standard',
    points: (r.points as number | undefined) ?? 0,
    marketingConsent: (r.marketingConsent as boolean | undefined) ?? false,
    greetingsOptOut: (r.greetingsOptOut as boolean | undefined) ?? false,
    cards,
  };
  if (r.birthday !== undefined) out.birthday = r.birthday as string;
  if (r.asOf !== undefined) out.asOf = r.asOf as string;
  return out;
}

function quickCard(k: unknown): Card | undefined {
  if (!isObject(k) || !onlyKeys(k, RECORD_KEYS.card)) return undefined;
  if (!text(k.externalId, 64) || typeof k.pan !== 'string' || !plain(k.product, 64) || typeof k.currency !== 'string' || !CURRENCY.test(k.currency))
    return undefined;
  if (!amount(k.creditLimit, 0) || !opt(k.balance, amount) || !opt(k.availableCredit, (v): v is number => amount(v, 0))) return undefined;
  if (!opt(k.status, oneOf(STATUSES)) || !day(k.expiresOn) || !opt(k.asOf, when)) return undefined;
  if ((k.statements !== undefined && !Array.isArray(k.statements)) || (k.transactions !== undefined && !Array.isArray(k.transactions))) return undefined;
  const pan = k.pan.replace(/[\s-]/g, '');
  if (!isCardNumber(pan)) return undefined;
  const statements: Statement[] = [];
  for (const s of (k.statements as unknown[] | undefined) ?? []) {
    if (!isObject(s) || !onlyKeys(s, RECORD_KEYS.statement) || !text(s.externalId, 64) || !day(s.closingDate) || !day(s.dueDate)) return undefined;
    if (!amount(s.balance) || !amount(s.minimumDue, 0) || !opt(s.paidAmount, (v): v is number => amount(v, 0))) return undefined;
    const { externalId, closingDate, dueDate, balance, minimumDue } = s;
    statements.push({ externalId, closingDate, dueDate, balance, minimumDue, paidAmount: (s.paidAmount as number | undefined) ?? 0 });
  }
  const transactions: Transaction[] = [];
  for (const t of (k.transactions as unknown[] | undefined) ?? []) {
    if (!isObject(t) || !onlyKeys(t, RECORD_KEYS.transaction) || !text(t.externalId, 64) || !amount(t.amount) || !plain(t.merchant, 100) || !when(t.occurredAt))
      return undefined;
    if (t.currency !== undefined && !(typeof t.currency === 'string' && CURRENCY.test(t.currency))) return undefined;
    const tx: Transaction = { externalId: t.externalId, amount: t.amount, merchant: t.merchant, occurredAt: t.occurredAt };
    if (t.currency !== undefined) tx.currency = t.currency;
    transactions.push(tx);
  }
  const card: Card = {
    externalId: k.externalId,
    pan,
    product: k.product,
    currency: k.currency,
    creditLimit: k.creditLimit,
    balance: (k.balance as number | undefined) ?? 0,
    status: (k.status as Card['status'] | undefined) ?? 'inactive',
    expiresOn: k.expiresOn,
    statements,
    transactions,
  };
  if (k.availableCredit !== undefined) card.availableCredit = k.availableCredit as number;
  if (k.asOf !== undefined) card.asOf = k.asOf as string;
  return card;
}
