// Every environment variable Uplink and its tools read, each defined once here (zod); .env.example
// lists the same names (a test holds them equal) and config/index.ts turns them into AppConfig.
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { productionProblems, proxyEntryProblem } from './production';

const bool = z.enum(['true', 'false', '1', '0', 'yes', 'no']).transform((v) => v === 'true' || v === '1' || v === 'yes');

/** One message class. */
const messageClass = z.enum(['security', 'transactional', 'service', 'marketing']);
/** One route: destinations (E.164 prefixes) and classes, sent via transports in failover order. */
export const routeSchema = z.strictObject({
  prefix: z.array(z.string().regex(/^\+\d{1,7}$/, 'expected an E.164 prefix such as +86')).optional(),
  class: z.array(messageClass).optional(),
  via: z.array(z.string().min(1)).min(1),
});
const retentionPlan = z.strictObject({ offer: z.enum(['fee_waiver', 'bonus_points', 'rate_review']), callbackHours: z.number().positive() });
export const retentionSchema = z.strictObject({ standard: retentionPlan, gold: retentionPlan, platinum: retentionPlan });
const thresholds = z.record(z.string().regex(/^([A-Z]{3}|\*)$/, 'a currency code or *'), z.number().positive());
export const thresholdSchema = z.strictObject({ standard: thresholds, gold: thresholds, platinum: thresholds });
const ton = z.number().int().min(0).max(6);
const npi = z.number().int().min(0).max(18);
/** An SMPP sender: an address, or an address with its TON/NPI. */
const senderSchema = z.union([z.string().min(1).max(20), z.strictObject({ addr: z.string().min(1).max(20), ton: ton.optional(), npi: npi.optional() })]);
const tierSendersSchema = z.partialRecord(z.enum(['standard', 'gold', 'platinum']), senderSchema);
export const rateSchema = z.strictObject({ perSecond: z.number().positive(), segmentsPerSecond: z.number().positive() });

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

/** A comma-separated list, entries trimmed, empty ones dropped. */
const list = z.string().transform((v) =>
  v
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean),
);

/** A PEM file read at start (the CA of a private SMSC certificate). */
const pemFile = z.string().transform((file, ctx) => {
  try {
    const pem = readFileSync(file, 'utf8');
    if (pem.includes('-----BEGIN CERTIFICATE-----')) return pem;
    ctx.addIssue({ code: 'custom', message: `${file}: no PEM certificate in it` });
  } catch (err) {
    ctx.addIssue({ code: 'custom', message: `${file}: cannot read (${(err as NodeJS.ErrnoException).code ?? String(err)})` });
  }
  return z.NEVER;
});

const proxies = list.superRefine((entries, ctx) => {
  for (const e of entries) {
    const problem = proxyEntryProblem(e);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  }
});

/** Every environment variable Uplink reads, validated once at start. */
export const envSchema = z
  .object({
    NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
    PORT: z.coerce.number().int().min(0).max(65535).default(3000),
    PUBLIC_BASE_URL: z.url().optional(),
    DATABASE_URL: z
      .string()
      .regex(/^postgres(ql)?:\/\//, 'expected postgres://…')
      .optional(),
    DB_CONNECT_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(5_000),
    DB_STATEMENT_TIMEOUT_MS: z.coerce.number().int().min(100).max(3_600_000).default(30_000),
    DB_QUERY_TIMEOUT_MS: z.coerce.number().int().min(100).max(3_600_000).optional(),
    DATA_DIR: z.string().default('./data'),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    DEFAULT_REGION: z.string().length(2).default('CN'),
    DEFAULT_TIME_ZONE: z.string().default('Asia/Shanghai'),
    CARD_HASH_SECRET: z.string().min(32, 'at least 32 characters').optional(),
    CARD_HASH_PREVIOUS_SECRETS: list.pipe(z.array(z.string().min(32, 'each at least 32 characters'))).optional(),
    PROGRAM_NAME: z.string().trim().min(1).max(40).default('Uplink'),
    HOTLINE: z.string().default('400-820-8888'),
    PLATINUM_HOTLINE: z.string().default('400-820-8000'),
    RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(10),
    REPLIES_PER_NUMBER_PER_DAY: z.coerce.number().int().min(1).default(50),
    UNKNOWN_SENDER_REPLIES_PER_MINUTE: z.coerce.number().int().min(1).default(60),
    MAX_SEGMENTS_PER_MESSAGE: z.coerce.number().int().min(1).max(255).default(10),
    MESSAGE_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(180),
    RETENTION_MONTHS: z.coerce.number().int().min(1).max(120).default(13),
    AUDIT_RETENTION_MONTHS: z.coerce.number().int().min(1).max(600).default(84),
    STAFF_TOKEN_DAYS: z.coerce.number().int().min(1).max(3650).default(90),
    CONSOLE_IDLE_MINUTES: z.coerce.number().int().min(1).max(1440).default(30),
    METRICS_TOKEN: z.string().min(32, 'at least 32 characters').optional(),
    TRUSTED_PROXIES: proxies.optional(),
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
    CARD_SYSTEM_URL: z.url().optional(),
    CARD_SYSTEM_SECRET: z.string().min(32, 'at least 32 characters').optional(),
    CARD_SYSTEM_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(50).default(8),
    CONFIRM_WINDOW_MINUTES: z.coerce.number().int().min(1).max(1440).default(15),
    STALE_AFTER_HOURS: z.coerce.number().positive().default(24),
    BIRTHDAY_HOUR: z.coerce.number().int().min(0).max(23).default(9),
    BIRTHDAY_TIERS: z
      .string()
      .default('platinum,gold')
      .pipe(
        z
          .string()
          .transform((v) => v.split(',').map((t) => t.trim()))
          .pipe(z.array(z.enum(['standard', 'gold', 'platinum']))),
      ),
    RENEWAL_OFFSETS: z
      .string()
      .default('60,30')
      .transform((v, ctx) => {
        const days = v.split(',').map((d) => Number(d.trim()));
        if (days.some((d) => !Number.isInteger(d) || d < 1)) ctx.addIssue({ code: 'custom', message: 'expected days before expiry, e.g. 60,30' });
        return days;
      }),
    PAYMENT_REMINDER_DAYS: z.coerce.number().int().min(1).default(3),
    SCHEDULER: bool.default(true),
    SHUTDOWN_SECONDS: z.coerce.number().int().min(1).max(600).default(30),
    SCHEDULER_BACKFILL_HOURS: z.coerce.number().int().min(0).max(168).default(24),
    SMPP_URL: z
      .string()
      .regex(/^smpps?:\/\//, 'expected smpp://host:port, or smpps://host:port for TLS')
      .optional(),
    SMPP_TLS_CA: pemFile.optional(),
    SMPP_SYSTEM_ID: z.string().optional(),
    SMPP_PASSWORD: z.string().optional(),
    SMPP_SOURCE_ADDR: z.string().optional(),
    SMPP_BIND_MODE: z.enum(['transceiver', 'split']).default('transceiver'),
    SMPP_SOURCE_TON: z.coerce.number().pipe(ton).optional(),
    SMPP_SOURCE_NPI: z.coerce.number().pipe(npi).optional(),
    SMPP_TIER_SENDERS: json(tierSendersSchema).optional(),
    SMPP_SESSIONS: z.coerce.number().int().min(1).max(16).default(1),
    SMPP_WINDOW: z.coerce.number().int().min(1).max(1000).default(10),
    SMPP_RECEIPT_ID_FORMAT: z.enum(['auto', 'same', 'hex-decimal', 'decimal-hex']).default('auto'),
    SMPP_ENQUIRE_LINK_SECONDS: z.coerce.number().int().min(5).max(3600).default(30),
    TWILIO_ACCOUNT_SID: z.string().optional(),
    TWILIO_AUTH_TOKEN: z.string().optional(),
    TWILIO_FROM: z.string().optional(),
    TWILIO_MESSAGING_SERVICE_SID: z.string().optional(),
    TWILIO_API_URL: z.url().optional(),
  })
  .superRefine((e, ctx) => {
    for (const p of productionProblems(e)) ctx.addIssue({ code: 'custom', path: [p.path], message: p.message });
  })
  .refine((e) => e.NODE_ENV !== 'production' || e.CARD_HASH_SECRET, {
    message: 'required in production',
    path: ['CARD_HASH_SECRET'],
  })
  .refine((e) => !e.CARD_SYSTEM_URL || e.CARD_SYSTEM_SECRET, {
    message: 'CARD_SYSTEM_URL needs CARD_SYSTEM_SECRET (requests to the card system are signed)',
    path: ['CARD_SYSTEM_SECRET'],
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

/** The SMSC simulator's variables (`npm run smsc`), not the gateway's. */
export const simulatorEnvSchema = z.object({
  SMPP_SIM_PORT: z.coerce.number().int().min(0).max(65535).default(2775),
  SMPP_SIM_HTTP_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  SMPP_SIM_TO: z
    .string()
    .regex(/^\+?[0-9A-Za-z]{1,20}$/, 'expected 1–20 digits or letters')
    .default('95555'),
});

/** What `npm run sms` reads to find the running gateway. */
export const smsToolEnvSchema = z.object({
  UPLINK_URL: z.url().optional(),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
});
