import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { AppConfig } from './config';

/**
 * The key for card hashes: `CARD_HASH_SECRET` (required in production), else outside production a
 * random key kept in `<dataDir>/card-hash-secret` (mode 0600) so hashes survive restarts.
 */
export function cardHashSecret(config: AppConfig): string {
  if (config.cardHashSecret) return config.cardHashSecret;
  if (config.env === 'production') throw new Error('CARD_HASH_SECRET is required in production');
  const file = path.join(config.dataDir, 'card-hash-secret');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(config.dataDir, { recursive: true });
  const secret = randomBytes(32).toString('hex');
  writeFileSync(file, `${secret}\n`, { mode: 0o600 });
  return secret;
}
