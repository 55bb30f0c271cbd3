import { z } from 'zod';
import { isCardNumber } from '../pan';
import { mobileE164 } from '../phone';

/** True for a real calendar date written YYYY-MM-DD (checked by arithmetic: it runs for every date of a file). */
export function realDay(d: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(d);
  if (!m) return false;
  const [y, mo, da] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][mo - 1];
  return days !== undefined && da >= 1 && da <= days;
}
/** A calendar date, YYYY-MM-DD. */
export const day = z.string().superRefine((d, ctx) => {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(d)) ctx.addIssue({ code: 'custom', message: 'expected YYYY-MM-DD' });
  else if (!realDay(d)) ctx.addIssue({ code: 'custom', message: 'not a real date' });
});
/** A moment, ISO 8601 with its offset. */
export const moment = z.iso.datetime({ offset: true, message: 'expected an ISO 8601 date-time with offset' });
/** The largest amount a numeric(14,2) column holds. */
export const MAX_AMOUNT = 999_999_999_999.99;
/** The largest integer column value (points, capacity). */
export const MAX_INT = 2_147_483_647;
/** An amount with at most 2 decimals, within what the database holds. */
export const money = z
  .number({ message: 'expected a number' })
  .finite()
  .multipleOf(0.01, 'at most 2 decimals')
  .min(-MAX_AMOUNT, 'too large')
  .max(MAX_AMOUNT, 'too large');
/** An ISO 4217 currency code. */
export const currency = z.string().regex(/^[A-Z]{3}$/, 'expected an ISO 4217 code such as CNY');
/** An external id (the card system's). */
export const id = z.string().trim().min(1, 'required').max(64);
/** A service tier. */
export const tier = z.enum(['standard', 'gold', 'platinum']);
/** A reply language. */
export const locale = z.enum(['en', 'zh-CN', 'zh-HK']);

// Building an Intl.DateTimeFormat costs ~150 µs: a file names a few zones a million times.
// Bounded at 10,000 names (set below): a file of made-up zones is checked each time past it.
const knownZones = new Map<string, boolean>();
/** True for a time zone Intl knows (remembered per name). */
export function validZone(tz: string): boolean {
  let ok = knownZones.get(tz);
  if (ok === undefined) {
    try {
      new Intl.DateTimeFormat('en', { timeZone: tz });
      ok = true;
    } catch {
      ok = false;
    }
    if (knownZones.size < 10_000) knownZones.set(tz, ok);
  }
  return ok;
}

/** An IANA time zone name. */
export function timeZone() {
  return z.string().refine(validZone, 'not an IANA time zone');
}

/** A mobile number in any common form, as E.164. */
export function mobile(region: string) {
  return z.string().transform((raw, ctx) => {
    const r = mobileE164(raw, region);
    if ('problem' in r) {
      ctx.addIssue({ code: 'custom', message: r.problem });
      return z.NEVER;
    }
    return r.e164;
  });
}

const statement = z.strictObject({
  externalId: id,
  closingDate: day,
  dueDate: day,
  balance: money,
  minimumDue: money.min(0),
  paidAmount: money.min(0).default(0),
});

const transaction = z.strictObject({
  externalId: id,
  amount: money,
  currency: currency.optional(),
  merchant: z.string().min(1).max(100),
  occurredAt: moment,
});

/** A card's status as the card system gives it. */
export const cardStatus = z.enum(['inactive', 'active', 'frozen', 'closed']);

const card = z.strictObject({
  externalId: id,
  pan: z
    .string()
    .transform((s) => s.replace(/[\s-]/g, ''))
    .refine(isCardNumber, 'not a valid card number (13–19 digits, Luhn)'),
  product: z.string().min(1).max(64),
  currency,
  creditLimit: money.min(0),
  balance: money.default(0),
  availableCredit: money.min(0).optional(),
  status: cardStatus.default('inactive'),
  expiresOn: day,
  asOf: moment.optional(),
  statements: z.array(statement).default([]),
  transactions: z.array(transaction).default([]),
});

/** One customer with their cards, statements and transactions: an element of `customers`, or one line of an NDJSON file. */
export function customerSchema(region: string) {
  return z.strictObject({
    externalId: id,
    name: z.string().trim().min(1, 'required').max(200),
    mobile: mobile(region),
    locale: locale.default('zh-CN'),
    timeZone: timeZone().default('Asia/Shanghai'),
    tier: tier.default('standard'),
    birthday: day.optional(),
    points: z.number().int().min(0).max(MAX_INT).default(0),
    marketingConsent: z.boolean().default(false),
    greetingsOptOut: z.boolean().default(false),
    asOf: moment.optional(),
    cards: z.array(card).default([]),
  });
}

/** The fields each record of a customer line may carry: the keys of its strict schemas. */
export const RECORD_KEYS = {
  customer: new Set(Object.keys(customerSchema('CN').shape)),
  card: new Set(Object.keys(card.shape)),
  statement: new Set(Object.keys(statement.shape)),
  transaction: new Set(Object.keys(transaction.shape)),
};

/** Title and venue go into texts: bounded so a reply stays a few segments (and under the UDH's 255 parts). */
const eventText = (max: number) => z.string().trim().min(1, 'required').max(max, `at most ${max} characters`);

/** An event, as imported or posted to the staff API; every field bounded. */
export const eventSchema = z
  .strictObject({
    code: z.string().regex(/^[A-Z0-9]{2,16}$/, 'expected 2–16 capital letters or digits'),
    title: z.strictObject({ en: eventText(80), 'zh-CN': eventText(40), 'zh-HK': eventText(40) }),
    venue: eventText(100),
    startsAt: moment,
    capacity: z.number().int().min(0).max(100_000, 'at most 100,000'),
    eligibleTiers: z.array(tier).max(3).default([]),
    eligibleProducts: z.array(z.string().min(1).max(64)).max(20).default([]),
    signupOpensAt: moment,
    signupClosesAt: moment,
  })
  .refine((e) => Date.parse(e.signupOpensAt) < Date.parse(e.signupClosesAt), {
    message: 'must be after signupOpensAt',
    path: ['signupClosesAt'],
  });

function staff(region: string) {
  return z.strictObject({
    externalId: id,
    name: z.string().trim().min(1, 'required').max(200),
    role: z.enum(['agent', 'marketing', 'supervisor', 'admin']),
    mobile: mobile(region).optional(),
    locale: locale.default('zh-CN'),
  });
}

/** A card application as the bank's origination system reports it (APPLY answers from it). */
function application(region: string) {
  return z.strictObject({
    externalId: id,
    mobile: mobile(region),
    idLast4: z.string().regex(/^[0-9X]{4}$/, 'expected the last 4 characters of the ID number (digits or X)'),
    product: z.string().trim().min(1).max(40),
    status: z.enum(['received', 'reviewing', 'approved', 'declined', 'posted']),
    tracking: z.string().trim().min(1).max(40).optional(),
    updatedAt: moment,
  });
}

/** A reward of the points catalogue (REDEEM). */
const reward = z.strictObject({
  code: z.string().regex(/^[A-Z0-9]{1,12}$/, 'expected 1–12 capital letters or digits'),
  name: z.strictObject({ en: z.string().trim().min(1).max(40), 'zh-CN': z.string().trim().min(1).max(20), 'zh-HK': z.string().trim().min(1).max(20) }),
  points: z.number().int().min(1).max(MAX_INT),
  active: z.boolean().default(true),
});

/** The JSON import document: customers with their cards, statements and transactions; events; staff. */
export function importSchema(region: string) {
  return z
    .strictObject({
      customers: z.array(customerSchema(region)).default([]),
      events: z.array(eventSchema).default([]),
      staff: z.array(staff(region)).default([]),
      applications: z.array(application(region)).default([]),
      rewards: z.array(reward).default([]),
    })
    .superRefine((doc, ctx) => {
      const unique = (values: (string | undefined)[], path: (i: number) => (string | number)[], what: string) => {
        const seen = new Map<string, number>();
        values.forEach((v, i) => {
          if (v === undefined) return;
          if (seen.has(v)) ctx.addIssue({ code: 'custom', path: path(i), message: `duplicate ${what} (also at index ${seen.get(v)})` });
          else seen.set(v, i);
        });
      };
      unique(
        doc.customers.map((c) => c.externalId),
        (i) => ['customers', i, 'externalId'],
        'externalId',
      );
      unique(
        doc.customers.map((c) => c.mobile),
        (i) => ['customers', i, 'mobile'],
        'mobile',
      );
      unique(
        doc.staff.map((s) => s.externalId),
        (i) => ['staff', i, 'externalId'],
        'externalId',
      );
      unique(
        doc.applications.map((a) => a.externalId),
        (i) => ['applications', i, 'externalId'],
        'application externalId',
      );
      unique(
        doc.rewards.map((r) => r.code),
        (i) => ['rewards', i, 'code'],
        'reward code',
      );
      unique(
        doc.events.map((e) => e.code),
        (i) => ['events', i, 'code'],
        'event code',
      );
      const cards = doc.customers.flatMap((c, ci) => c.cards.map((k, ki) => ({ k, path: ['customers', ci, 'cards', ki] })));
      unique(
        cards.map((c) => c.k.externalId),
        (i) => [...cards[i].path, 'externalId'],
        'card externalId',
      );
      unique(
        cards.map((c) => c.k.pan),
        (i) => [...cards[i].path, 'pan'],
        'card number',
      );
    });
}

/** A validated import document. */
export type ImportDocument = z.output<ReturnType<typeof importSchema>>;

/** A validated customer (with cards, statements and transactions). */
export type ImportCustomer = z.output<ReturnType<typeof customerSchema>>;
