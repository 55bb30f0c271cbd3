import { existsSync, readFileSync } from 'node:fs';
import { parseEnv } from 'node:util';
import type { z } from 'zod';
import { envSchema, type retentionSchema, type thresholdSchema } from './env';

export { envSchema, simulatorEnvSchema, smsToolEnvSchema } from './env';
export { gatewayRefusals } from './production';

/** An SMPP sender address, with TON/NPI when they must not be inferred. */
export type SmppSender = { addr: string; ton?: number; npi?: number };
type TierName = 'standard' | 'gold' | 'platinum';

const DEFAULT_RETENTION: z.output<typeof retentionSchema> = {
  platinum: { offer: 'fee_waiver', callbackHours: 2 },
  gold: { offer: 'bonus_points', callbackHours: 24 },
  standard: { offer: 'rate_review', callbackHours: 72 },
};
const DEFAULT_THRESHOLDS: z.output<typeof thresholdSchema> = {
  platinum: { CNY: 50000, HKD: 50000, USD: 8000, '*': 8000 },
  gold: { CNY: 20000, HKD: 20000, USD: 3000, '*': 3000 },
  standard: { CNY: 5000, HKD: 5000, USD: 800, '*': 800 },
};

/** The validated variables as the code reads them; the one place each variable becomes a setting. */
function toConfig(e: z.output<typeof envSchema>) {
  return Object.freeze({
    env: e.NODE_ENV,
    port: e.PORT,
    /** The public https URL the providers call (Twilio signatures and callbacks), without a trailing slash. */
    publicBaseUrl: e.PUBLIC_BASE_URL?.replace(/\/+$/, ''),
    databaseUrl: e.DATABASE_URL,
    /** So a database that vanishes or hangs cannot hold a request forever (see docs/operations.md). */
    dbTimeouts: Object.freeze({
      connectMs: e.DB_CONNECT_TIMEOUT_MS,
      statementMs: e.DB_STATEMENT_TIMEOUT_MS,
      queryMs: e.DB_QUERY_TIMEOUT_MS ?? e.DB_STATEMENT_TIMEOUT_MS + 5_000,
    }),
    dataDir: e.DATA_DIR,
    logLevel: e.LOG_LEVEL,
    defaultRegion: e.DEFAULT_REGION.toUpperCase(),
    defaultTimeZone: e.DEFAULT_TIME_ZONE,
    cardHashSecret: e.CARD_HASH_SECRET,
    /** Keys of card hashes being rotated out: hashes stored under them still verify. */
    cardHashPreviousSecrets: (e.CARD_HASH_PREVIOUS_SECRETS ?? []) as readonly string[],
    /** The program's name in the HELP reply (CTIA: name, help contact, frequency, rates, STOP). */
    programName: e.PROGRAM_NAME,
    hotline: e.HOTLINE,
    platinumHotline: e.PLATINUM_HOTLINE,
    rateLimitPerMinute: e.RATE_LIMIT_PER_MINUTE,
    /** Texts from one number answered in 24 hours; past it, silence (reply loops, SMS pumping). */
    repliesPerNumberPerDay: e.REPLIES_PER_NUMBER_PER_DAY,
    /** Texts from unknown numbers answered per minute, all together, per process. */
    unknownSenderRepliesPerMinute: e.UNKNOWN_SENDER_REPLIES_PER_MINUTE,
    /** The longest message sent, in segments; a longer body is cut with `…`. */
    maxSegmentsPerMessage: e.MAX_SEGMENTS_PER_MESSAGE,
    /** Message bodies older than this many days are purged by the `message-retention` job. */
    messageRetentionDays: e.MESSAGE_RETENTION_DAYS,
    /** Whole months of texts, receipts (RETENTION_MONTHS) and audit entries (AUDIT_RETENTION_MONTHS) kept before the current month; older month partitions are dropped. */
    retentionMonths: { messages: e.RETENTION_MONTHS, audit: e.AUDIT_RETENTION_MONTHS },
    /** A staff API token stops working this many days after it was issued. */
    staffTokenDays: e.STAFF_TOKEN_DAYS,
    /** A console session ends after this many minutes without a request. */
    consoleIdleMinutes: e.CONSOLE_IDLE_MINUTES,
    /** Bearer token for GET /metrics; unset: open outside production, off in production. */
    metricsToken: e.METRICS_TOKEN,
    /** Proxies whose X-Forwarded-For is believed (express `trust proxy`); unset: none. */
    trustedProxies: (e.TRUSTED_PROXIES ?? []) as readonly string[],
    activationMaxFailures: e.ACTIVATION_MAX_FAILURES,
    devChannel: e.DEV_CHANNEL ?? e.NODE_ENV !== 'production',
    quietHours: Object.freeze({ start: e.QUIET_HOURS_START, end: e.QUIET_HOURS_END }),
    marketingWeeklyCap: e.MARKETING_WEEKLY_CAP,
    destinationMaxPerMinute: e.DESTINATION_MAX_PER_MINUTE,
    outboxMaxAttempts: e.OUTBOX_MAX_ATTEMPTS,
    /** Ordered route table; unset: everything via the first enabled operator transport (else dev). */
    routes: e.ROUTES,
    transportLimits: e.TRANSPORT_LIMITS ?? {},
    /** The retention offer and call-back promise per tier when a cardholder asks to close a card. */
    retentionOffers: e.RETENTION_OFFERS ?? DEFAULT_RETENTION,
    /** Bearer token of the card system for POST /api/transactions; unset: the endpoint is off. */
    cardSystemToken: e.CARD_SYSTEM_TOKEN,
    /** Amount at or above which a transaction is checked with the cardholder, per tier and currency (`*`: any other). */
    largeTxThresholds: e.LARGE_TX_THRESHOLDS ?? DEFAULT_THRESHOLDS,
    checkWindowMinutes: e.CHECK_WINDOW_MINUTES,
    /** Where account actions go (signed JSON, docs/card-system.md); unset: the built-in local card system applies them. */
    cardSystemUrl: e.CARD_SYSTEM_URL,
    /** The HMAC key of requests to the card system and of its callbacks. */
    cardSystemSecret: e.CARD_SYSTEM_SECRET,
    cardSystemMaxAttempts: e.CARD_SYSTEM_MAX_ATTEMPTS,
    /** How long a quoted action waits for `Y <ref>`. */
    confirmWindowMinutes: e.CONFIRM_WINDOW_MINUTES,
    /** A figure older than this (by its as-of at the card system) is said to be old in a reply. */
    staleAfterHours: e.STALE_AFTER_HOURS,
    birthdayHour: e.BIRTHDAY_HOUR,
    birthdayTiers: e.BIRTHDAY_TIERS as readonly TierName[],
    renewalOffsets: e.RENEWAL_OFFSETS as readonly number[],
    paymentReminderDays: e.PAYMENT_REMINDER_DAYS,
    scheduler: e.SCHEDULER,
    /** How long a graceful stop may take before the process ends anyway. */
    shutdownSeconds: e.SHUTDOWN_SECONDS,
    /** How far back the scheduler runs slots no instance ran (0: never). */
    schedulerBackfillMs: e.SCHEDULER_BACKFILL_HOURS * 3600_000,
    smpp: e.SMPP_URL
      ? Object.freeze({
          url: e.SMPP_URL,
          /** smpps://: the link is TLS, the SMSC's certificate checked (against SMPP_TLS_CA when set). */
          tls: e.SMPP_URL.startsWith('smpps://'),
          tlsCa: e.SMPP_TLS_CA,
          systemId: e.SMPP_SYSTEM_ID ?? '',
          password: e.SMPP_PASSWORD ?? '',
          /** The default sender, with TON/NPI when configured (else inferred from the address). */
          sender: { addr: e.SMPP_SOURCE_ADDR ?? '', ton: e.SMPP_SOURCE_TON, npi: e.SMPP_SOURCE_NPI } as SmppSender,
          /** A sender per tier, e.g. a platinum short code. */
          tierSenders: Object.fromEntries(
            Object.entries(e.SMPP_TIER_SENDERS ?? {}).map(([tier, v]) => [tier, typeof v === 'string' ? { addr: v } : v]),
          ) as Partial<Record<TierName, SmppSender>>,
          bindMode: e.SMPP_BIND_MODE,
          sessions: e.SMPP_SESSIONS,
          window: e.SMPP_WINDOW,
          enquireLinkMs: e.SMPP_ENQUIRE_LINK_SECONDS * 1000,
          /** How the SMSC's receipt ids relate to its submit_sm_resp ids (Kannel's msg-id-type). */
          receiptIds: e.SMPP_RECEIPT_ID_FORMAT,
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

/** Validated, frozen configuration. */
export type AppConfig = ReturnType<typeof toConfig>;

/** A configuration refused: one line per bad variable (`NAME: why`). */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Reads and validates the environment; throws a ConfigError listing every bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== ''));
  const parsed = envSchema.safeParse(cleaned);
  if (!parsed.success) throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  return toConfig(parsed.data);
}

/**
 * Reads `.env` in the working folder into the environment when there is one (as `.env.example`
 * suggests: copy it and edit); a variable already set in the environment wins over the file.
 */
export function readDotEnv(file = '.env', env: NodeJS.ProcessEnv = process.env): void {
  if (!existsSync(file)) return;
  for (const [name, value] of Object.entries(parseEnv(readFileSync(file, 'utf8')))) env[name] ??= value;
}

/**
 * A tool's own variables (`npm run sms`, `npm run smsc`): `.env` read, then `schema` applied to
 * the environment; a bad value ends the tool with one line per variable.
 */
export function loadToolEnv<S extends z.ZodType>(schema: S): z.output<S> {
  readDotEnv();
  const parsed = schema.safeParse(Object.fromEntries(Object.entries(process.env).filter(([, v]) => v !== '')));
  if (parsed.success) return parsed.data;
  for (const i of parsed.error.issues) process.stderr.write(`${i.path.join('.')}: ${i.message}\n`);
  process.exit(2);
}
