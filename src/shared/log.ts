import pino from 'pino';
import { maskCardNumbers, maskCardNumbersIn } from './card-mask';

/** The process logger type. */
export type Logger = pino.Logger;

/** Fields that carry a secret: always redacted, at any of the first three levels of a log object. */
const SECRET_FIELDS = ['password', 'token', 'authorization', 'authToken', 'secret', 'cookie'];
/** Fields that carry a phone number or a message body: redacted unless bodies may be logged. */
const CONTENT_FIELDS = ['to', 'from', 'body', 'text'];

/** Where to log, and whether this is production. */
export interface LoggerOptions {
  /** `production` never logs message bodies or numbers; elsewhere they appear at debug and trace. */
  env?: string;
  /** Another destination than stdout (tests read what was logged). */
  destination?: pino.DestinationStream;
}

/** `field`, `*.field` and `*.*.field`: pino's redaction paths for a field wherever it appears in a log object. */
function anywhere(fields: string[]): string[] {
  return fields.flatMap((f) => [f, `*.${f}`, `*.*.${f}`]);
}

/** True when message bodies and numbers may be logged: debug or trace level, outside production. */
export function bodiesLogged(level: string, env: string | undefined): boolean {
  return env !== undefined && env !== 'production' && (level === 'debug' || level === 'trace');
}

/**
 * A JSON logger (pino). Secrets (passwords, tokens, authorization headers) are redacted wherever
 * they appear; numbers and bodies (`to`, `from`, `body`, `text`) too, except at debug level outside
 * production; card numbers are masked in every string logged, errors included.
 */
export function createLogger(level: string, opts: LoggerOptions = {}): Logger {
  const paths = anywhere(bodiesLogged(level, opts.env) ? SECRET_FIELDS : [...SECRET_FIELDS, ...CONTENT_FIELDS]);
  const options: pino.LoggerOptions = {
    level,
    base: { app: 'uplink' },
    redact: { paths, censor: '[redacted]' },
    formatters: { log: (object) => maskCardNumbersIn(object) },
    serializers: { err: (err: Error) => maskCardNumbersIn({ ...pino.stdSerializers.err(err) }) },
    hooks: {
      logMethod(args, method) {
        method.apply(this, args.map((a: unknown) => (typeof a === 'string' ? maskCardNumbers(a) : a)) as Parameters<typeof method>);
      },
    },
  };
  return opts.destination ? pino(options, opts.destination) : pino(options);
}
