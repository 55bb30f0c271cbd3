import { Writable } from 'node:stream';
import { createLogger, type Logger } from '../../src/shared/log';

/** A logger whose lines a test can read, as pino writes them (JSON, one per line). */
export interface CapturedLog {
  log: Logger;
  /** Everything logged so far, as written. */
  text(): string;
  /** The lines logged so far, parsed. */
  lines(): Record<string, unknown>[];
}

/** A logger at `level` (as `env` would log) writing to memory. */
export function captureLog(level = 'info', env = 'production'): CapturedLog {
  let out = '';
  const destination = new Writable({
    write(chunk, _encoding, done) {
      out += String(chunk);
      done();
    },
  });
  const log = createLogger(level, { env, destination });
  return {
    log,
    text: () => out,
    lines: () =>
      out
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}
