// What production refuses. The secrets' checks apply to every process (the gateway and the CLI);
// the gateway's own (the dev channel, an operator transport) only to `npm start`.
import { isIP } from 'node:net';

/** Variables holding a secret: never the placeholder `.env.example` shows for them, in production. */
export const SECRET_VARIABLES = [
  'CARD_HASH_SECRET',
  'CARD_HASH_PREVIOUS_SECRETS',
  'CARD_SYSTEM_TOKEN',
  'CARD_SYSTEM_SECRET',
  'METRICS_TOKEN',
  'SMPP_PASSWORD',
  'TWILIO_AUTH_TOKEN',
  'DATABASE_URL',
];

/** The values `.env.example` shows for secrets (a test holds this list to the file). */
export const EXAMPLE_PLACEHOLDERS: ReadonlySet<string> = new Set([
  'at-least-32-random-characters-required-in-production',
  'previous-key-being-rotated-out-at-least-32-characters',
  'at-least-32-characters-shared-with-the-card-system',
  'at-least-32-random-characters-shared-for-hmac',
  'at-least-32-random-characters-for-the-metrics-scraper',
  'postgres://user:password@127.0.0.1:5432/uplink',
]);

/** Secrets whose strength is ours to choose (an SMSC's password is the operator's): at least this many bits. */
export const GENERATED_SECRETS = ['CARD_HASH_SECRET', 'CARD_HASH_PREVIOUS_SECRETS', 'CARD_SYSTEM_TOKEN', 'CARD_SYSTEM_SECRET', 'METRICS_TOKEN'];
const MIN_ENTROPY_BITS = 100;

/**
 * An estimate of a secret's entropy in bits: the length times the Shannon entropy of the characters
 * of its shortest repeating unit (`Summer2026!Summer2026!Summ…` counts as `Summer2026!`). `openssl
 * rand -hex 32` gives about 250 bits; 32 random hex digits about 120; `xxxx…`, `passwordpassword…`
 * or `0123456789…` far less.
 */
export function entropyBits(secret: string): number {
  const chars = Array.from(secret);
  const unit = chars.slice(0, shortestPeriod(chars));
  const counts = new Map<string, number>();
  for (const c of unit) counts.set(c, (counts.get(c) ?? 0) + 1);
  let perChar = 0;
  for (const n of counts.values()) perChar -= (n / unit.length) * Math.log2(n / unit.length);
  return perChar * unit.length;
}

/** The length of the shortest unit a string repeats (truncated at the end or not), by the KMP prefix function. */
function shortestPeriod(chars: string[]): number {
  const n = chars.length;
  if (n === 0) return 0;
  const border = new Array<number>(n).fill(0);
  for (let i = 1, k = 0; i < n; i++) {
    while (k > 0 && chars[i] !== chars[k]) k = border[k - 1];
    if (chars[i] === chars[k]) k++;
    border[i] = k;
  }
  const period = n - border[n - 1];
  return period * 2 <= n ? period : n;
}

/** Why a secret may not be used in production, or null when it may. */
export function secretProblem(name: string, value: string): string | null {
  if (EXAMPLE_PLACEHOLDERS.has(value)) return 'the placeholder of .env.example; set a secret of your own (openssl rand -hex 32)';
  if (!GENERATED_SECRETS.includes(name)) return null;
  const bits = entropyBits(value);
  if (bits < MIN_ENTROPY_BITS) return `too predictable (about ${Math.floor(bits)} bits); generate one: openssl rand -hex 32`;
  return null;
}

/** One refused variable: its name and why. */
export type Refusal = { path: string; message: string };

/** What production refuses in the variables every process reads: placeholder or weak secrets, a plain-http public URL. */
export function productionProblems(env: Record<string, unknown>): Refusal[] {
  if (env.NODE_ENV !== 'production') return [];
  const problems: Refusal[] = [];
  for (const name of SECRET_VARIABLES) {
    const raw = env[name];
    const values = Array.isArray(raw) ? raw : typeof raw === 'string' ? [raw] : [];
    for (const value of values as string[]) {
      const problem = secretProblem(name, value);
      if (problem) {
        problems.push({ path: name, message: problem });
        break;
      }
    }
  }
  if (typeof env.PUBLIC_BASE_URL === 'string' && !env.PUBLIC_BASE_URL.startsWith('https://')) {
    problems.push({ path: 'PUBLIC_BASE_URL', message: 'must be https:// in production (webhook signatures and callbacks travel over it)' });
  }
  return problems;
}

/** What the gateway itself refuses in production: the dev channel on, no operator transport, no PostgreSQL server. */
export function gatewayRefusals(config: { env: string; devChannel: boolean; smpp?: unknown; twilio?: unknown; databaseUrl?: string }): string[] {
  if (config.env !== 'production') return [];
  const refusals: string[] = [];
  if (!config.databaseUrl) refusals.push('DATABASE_URL: production runs on a PostgreSQL server; the embedded one (and its package) is for trying Uplink out');
  if (config.devChannel) refusals.push('DEV_CHANNEL: the dev channel (POST /dev/sms) answers any number without authentication; it cannot be on in production');
  if (!config.smpp && !config.twilio) {
    refusals.push('no operator transport: set SMPP_URL or TWILIO_ACCOUNT_SID (in production nothing may go to the dev transport, which only logs)');
  }
  return refusals;
}

/** Named subnets express's `trust proxy` knows. */
const NAMED_SUBNETS = new Set(['loopback', 'linklocal', 'uniquelocal']);

/** Why one entry of TRUSTED_PROXIES is not an address, a CIDR subnet or a named subnet, or null. */
export function proxyEntryProblem(entry: string): string | null {
  if (NAMED_SUBNETS.has(entry)) return null;
  const [address, prefix, ...rest] = entry.split('/');
  const family = isIP(address);
  if (family === 0 || rest.length > 0) return `${entry}: expected an IP address, a CIDR subnet or loopback/linklocal/uniquelocal`;
  if (prefix !== undefined && !(/^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128))) return `${entry}: bad prefix length`;
  return null;
}
