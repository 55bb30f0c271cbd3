import { z } from 'zod';

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const messageClass = z.enum(['security', 'transactional', 'service', 'marketing']);
/** One route: destinations (E.164 prefixes) and classes, sent via transports in failover order. */
const routeSchema = z.strictObject({
  prefix: z.array(z.string().regex(/^\+\d{1,7}$/, 'expected an E.164 prefix such as +86')).optional(),
  class: z.array(messageClass).optional(),
  via: z.array(z.string().min(1)).min(1),
});
const retentionPlan = z.strictObject({ offer: z.enum(['fee_waiver', 'bonus_points', 'rate_review']), callbackHours: z.number().positive() });
const retentionSchema = z.strictObject({ standard: retentionPlan, gold: retentionPlan, platinum: retentionPlan });
const thresholds = z.record(z.string().regex(/^([A-Z]{3}|\*)$/, 'a currency code or *'), z.number().positive());
const thresholdSchema = z.strictObject({ standard: thresholds, gold: thresholds, platinum: thresholds });
const ton = z.number().int().min(0).max(6);
const npi = z.number().int().min(0).max(18);
/** An SMPP sender: an address, or an address with its TON/NPI. */
const senderSchema = z.union([z.string().min(1).max(20), z.strictObject({ addr: z.string().min(1).max(20), ton: ton.optional(), npi: npi.optional() })]);
const tierSendersSchema = z.partialRecord(z.enum(['standard', 'gold', 'platinum']), senderSchema);
const rateSchema = z.strictObject({ perSecond: z.number().positive(), segmentsPerSecond: z.number().positive() });

/** A variable holding JSON, validated by `schema`. */
function json<T extends z.ZodType>(schema: T) {
  return z.string().transform((text, ctx) => {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      ctx.addIssue({ code: 'custom', message: 'not valid JSON' });
      return z.NEVER;
    }
    const parsed = schema.safeParse(value);
    if (!parsed.success) {
      for (const i of parsed.error.issues) ctx.addIssue({ code: 'custom', message: `${i.path.join('.') || '(value)'}: ${i.message}` });
      return z.NEVER;
    }
    return parsed.data as z.output<T>;
  });
}

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'expected HH:MM');

/** Every environment variable Uplink reads, validated once at start. */
export const envSchema = z
  .object({
    NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
    PORT: z.coerce.number().int().min(0).max(65535).default(3000),
    PUBLIC_BASE_URL: z.url().optional(),
    DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, 'expected postgres://…').optional(),
    DATA_DIR: z.string().default('./data'),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    DEFAULT_REGION: z.string().length(2).default('CN'),
    DEFAULT_TIME_ZONE: z.string().default('Asia/Shanghai'),
    CARD_HASH_SECRET: z.string().min(32, 'at least 32 characters').optional(),
    HOTLINE: z.string().default('400-820-8888'),
    PLATINUM_HOTLINE: z.string().default('400-820-8000'),
    RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(10),
    ACTIVATION_MAX_FAILURES: z.coerce.number().int().min(1).default(5),
    DEV_CHANNEL: bool.optional(),
    QUIET_HOURS_START: hhmm.default('21:00'),
    QUIET_HOURS_END: hhmm.default('08:00'),
    MARKETING_WEEKLY_CAP: z.coerce.number().int().min(0).default(2),
    DESTINATION_MAX_PER_MINUTE: z.coerce.number().int().min(1).default(20),
    OUTBOX_MAX_ATTEMPTS: z.coerce.number().int().min(1).default(6),
    ROUTES: json(z.array(routeSchema).min(1)).optional(),
    TRANSPORT_LIMITS: json(z.record(z.string(), rateSchema)).optional(),
    RETENTION_OFFERS: json(retentionSchema).optional(),
    CARD_SYSTEM_TOKEN: z.string().min(32, 'at least 32 characters').optional(),
    LARGE_TX_THRESHOLDS: json(thresholdSchema).optional(),
    CHECK_WINDOW_MINUTES: z.coerce.number().int().min(1).default(30),
    BIRTHDAY_HOUR: z.coerce.number().int().min(0).max(23).default(9),
    BIRTHDAY_TIERS: z.string().default('platinum,gold').pipe(z.string().transform((v) => v.split(',').map((t) => t.trim())).pipe(z.array(z.enum(['standard', 'gold', 'platinum'])))),
    RENEWAL_OFFSETS: z.string().default('60,30').transform((v, ctx) => {
      const days = v.split(',').map((d) => Number(d.trim()));
      if (days.some((d) => !Number.isInteger(d) || d < 1)) ctx.addIssue({ code: 'custom', message: 'expected days before expiry, e.g. 60,30' });
      return days;
    }),
    PAYMENT_REMINDER_DAYS: z.coerce.number().int().min(1).default(3),
    SCHEDULER: bool.default(true),
    SMPP_URL: z.string().regex(/^smpps?:\/\//, 'expected smpp://host:port').optional(),
    SMPP_SYSTEM_ID: z.string().optional(),
    SMPP_PASSWORD: z.string().optional(),
    SMPP_SOURCE_ADDR: z.string().optional(),
    SMPP_BIND_MODE: z.enum(['transceiver', 'split']).default('transceiver'),
    SMPP_SOURCE_TON: z.coerce.number().pipe(ton).optional(),
    SMPP_SOURCE_NPI: z.coerce.number().pipe(npi).optional(),
    SMPP_TIER_SENDERS: json(tierSendersSchema).optional(),
    SMPP_SESSIONS: z.coerce.number().int().min(1).max(16).default(1),
    SMPP_WINDOW: z.coerce.number().int().min(1).max(1000).default(10),
    SMPP_ENQUIRE_LINK_SECONDS: z.coerce.number().int().min(5).max(3600).default(30),
    TWILIO_ACCOUNT_SID: z.string().optional(),
    TWILIO_AUTH_TOKEN: z.string().optional(),
    TWILIO_FROM: z.string().optional(),
    TWILIO_MESSAGING_SERVICE_SID: z.string().optional(),
    TWILIO_API_URL: z.url().optional(),
  })
  .refine((e) => e.NODE_ENV !== 'production' || e.CARD_HASH_SECRET, {
    message: 'required in production',
    path: ['CARD_HASH_SECRET'],
  })
  .refine((e) => !e.SMPP_URL || e.SMPP_SOURCE_ADDR, {
    message: 'required with SMPP: the sender address of submits',
    path: ['SMPP_SOURCE_ADDR'],
  })
  .refine((e) => !(e.TWILIO_ACCOUNT_SID || e.TWILIO_AUTH_TOKEN) || (e.TWILIO_ACCOUNT_SID && e.TWILIO_AUTH_TOKEN), {
    message: 'TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN go together',
    path: ['TWILIO_AUTH_TOKEN'],
  })
  .refine((e) => !e.TWILIO_ACCOUNT_SID || e.TWILIO_FROM || e.TWILIO_MESSAGING_SERVICE_SID, {
    message: 'set TWILIO_FROM or TWILIO_MESSAGING_SERVICE_SID',
    path: ['TWILIO_FROM'],
  })
  .refine((e) => !e.TWILIO_ACCOUNT_SID || e.PUBLIC_BASE_URL, {
    message: 'required with Twilio: the URL Twilio calls, for signatures and status callbacks',
    path: ['PUBLIC_BASE_URL'],
  });

/** An SMPP sender address, with TON/NPI when they must not be inferred. */
export type SmppSender = { addr: string; ton?: number; npi?: number };

/** Validated, frozen configuration. */
export type AppConfig = Readonly<{
  env: 'development' | 'test' | 'production';
  port: number;
  publicBaseUrl?: string;
  databaseUrl?: string;
  dataDir: string;
  logLevel: string;
  defaultRegion: string;
  defaultTimeZone: string;
  cardHashSecret?: string;
  hotline: string;
  platinumHotline: string;
  rateLimitPerMinute: number;
  activationMaxFailures: number;
  devChannel: boolean;
  quietHours: { start: string; end: string };
  marketingWeeklyCap: number;
  destinationMaxPerMinute: number;
  outboxMaxAttempts: number;
  /** Ordered route table; unset: everything via the first enabled operator transport (else dev). */
  routes?: readonly z.output<typeof routeSchema>[];
  transportLimits: Readonly<Record<string, z.output<typeof rateSchema>>>;
  /** The retention offer and call-back promise per tier when a cardholder asks to close a card. */
  retentionOffers: Readonly<z.output<typeof retentionSchema>>;
  /** Bearer token of the card system for POST /api/transactions; unset: the endpoint is off. */
  cardSystemToken?: string;
  /** Amount at or above which a transaction is checked with the cardholder, per tier and currency (`*`: any other). */
  largeTxThresholds: Readonly<z.output<typeof thresholdSchema>>;
  checkWindowMinutes: number;
  birthdayHour: number;
  birthdayTiers: readonly ('standard' | 'gold' | 'platinum')[];
  renewalOffsets: readonly number[];
  paymentReminderDays: number;
  scheduler: boolean;
  smpp?: {
    url: string;
    systemId: string;
    password: string;
    /** The default sender, with TON/NPI when configured (else inferred from the address). */
    sender: SmppSender;
    /** A sender per tier, e.g. a platinum short code. */
    tierSenders: Readonly<Partial<Record<'standard' | 'gold' | 'platinum', SmppSender>>>;
    bindMode: 'transceiver' | 'split';
    sessions: number;
    window: number;
    enquireLinkMs: number;
  };
  twilio?: { accountSid: string; authToken: string; from?: string; messagingServiceSid?: string; apiBaseUrl?: string };
}>;

/** Reads and validates the environment; throws one error listing every bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== ''));
  const parsed = envSchema.safeParse(cleaned);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  return Object.freeze({
    env: e.NODE_ENV,
    port: e.PORT,
    publicBaseUrl: e.PUBLIC_BASE_URL?.replace(/\/+$/, ''),
    databaseUrl: e.DATABASE_URL,
    dataDir: e.DATA_DIR,
    logLevel: e.LOG_LEVEL,
    defaultRegion: e.DEFAULT_REGION.toUpperCase(),
    defaultTimeZone: e.DEFAULT_TIME_ZONE,
    cardHashSecret: e.CARD_HASH_SECRET,
    hotline: e.HOTLINE,
    platinumHotline: e.PLATINUM_HOTLINE,
    rateLimitPerMinute: e.RATE_LIMIT_PER_MINUTE,
    activationMaxFailures: e.ACTIVATION_MAX_FAILURES,
    devChannel: e.DEV_CHANNEL ?? e.NODE_ENV !== 'production',
    quietHours: Object.freeze({ start: e.QUIET_HOURS_START, end: e.QUIET_HOURS_END }),
    marketingWeeklyCap: e.MARKETING_WEEKLY_CAP,
    destinationMaxPerMinute: e.DESTINATION_MAX_PER_MINUTE,
    outboxMaxAttempts: e.OUTBOX_MAX_ATTEMPTS,
    routes: e.ROUTES,
    transportLimits: e.TRANSPORT_LIMITS ?? {},
    retentionOffers: e.RETENTION_OFFERS ?? {
      platinum: { offer: 'fee_waiver', callbackHours: 2 },
      gold: { offer: 'bonus_points', callbackHours: 24 },
      standard: { offer: 'rate_review', callbackHours: 72 },
    } as const,
    cardSystemToken: e.CARD_SYSTEM_TOKEN,
    largeTxThresholds: e.LARGE_TX_THRESHOLDS ?? {
      platinum: { CNY: 50000, HKD: 50000, USD: 8000, '*': 8000 },
      gold: { CNY: 20000, HKD: 20000, USD: 3000, '*': 3000 },
      standard: { CNY: 5000, HKD: 5000, USD: 800, '*': 800 },
    },
    checkWindowMinutes: e.CHECK_WINDOW_MINUTES,
    birthdayHour: e.BIRTHDAY_HOUR,
    birthdayTiers: e.BIRTHDAY_TIERS,
    renewalOffsets: e.RENEWAL_OFFSETS,
    paymentReminderDays: e.PAYMENT_REMINDER_DAYS,
    scheduler: e.SCHEDULER,
    smpp: e.SMPP_URL
      ? Object.freeze({
          url: e.SMPP_URL,
          systemId: e.SMPP_SYSTEM_ID ?? '',
          password: e.SMPP_PASSWORD ?? '',
          sender: { addr: e.SMPP_SOURCE_ADDR ?? '', ton: e.SMPP_SOURCE_TON, npi: e.SMPP_SOURCE_NPI },
          tierSenders: Object.fromEntries(Object.entries(e.SMPP_TIER_SENDERS ?? {}).map(([tier, v]) => [tier, typeof v === 'string' ? { addr: v } : v])),
          bindMode: e.SMPP_BIND_MODE,
          sessions: e.SMPP_SESSIONS,
          window: e.SMPP_WINDOW,
          enquireLinkMs: e.SMPP_ENQUIRE_LINK_SECONDS * 1000,
        })
      : undefined,
    twilio:
      e.TWILIO_ACCOUNT_SID && e.TWILIO_AUTH_TOKEN
        ? Object.freeze({
            accountSid: e.TWILIO_ACCOUNT_SID,
            authToken: e.TWILIO_AUTH_TOKEN,
            from: e.TWILIO_FROM,
            messagingServiceSid: e.TWILIO_MESSAGING_SERVICE_SID,
            apiBaseUrl: e.TWILIO_API_URL,
          })
        : undefined,
  });
}
