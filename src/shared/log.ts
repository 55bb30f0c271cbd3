import pino from 'pino';

/** The process logger type. */
export type Logger = pino.Logger;

/** A JSON logger (pino); card numbers never reach it because texts are masked on receipt. */
export function createLogger(level: string): Logger {
  return pino({ level, base: { app: 'uplink' }, redact: ['token', 'authorization', '*.token', '*.authorization'] });
}
