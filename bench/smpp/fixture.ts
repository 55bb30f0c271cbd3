import { readFileSync } from 'node:fs';
import { sql } from 'kysely';
import { DEMO_FILE } from '../../src/boot';
import type { Db } from '../../src/db/schema';
import { importDocument, parseImport } from '../../src/domain/import/import';

/** The card-hash key of the benchmark's database (both systems read the same accounts). */
export const BENCH_SECRET = 'bench-secret-0123456789abcdef0123456789';

/** The mobile number (digits, as on the SMPP wire) of bench cardholder `i`. */
export function benchNumber(i: number): string {
  return `86137${String(i).padStart(8, '0')}`;
}

/** The last 4 digits of bench cardholder `i`'s card (the reply must show them). */
export function benchLast4(i: number): string {
  return String(1000 + (i % 9000));
}

/**
 * Loads the demo data and `count` cardholders (zh-CN, one card each, distinct balances) numbered
 * from 1: what BAL reads on both systems. Each has a month of history, as a gateway in service
 * has: `history` texts answered and delivered (so the planner sees tables of their real size,
 * not the empty ones of a fresh install).
 */
export async function loadCardholders(db: Db, count: number, history = 5): Promise<void> {
  await importDocument(db, parseImport(readFileSync(DEMO_FILE, 'utf8'), 'CN'), BENCH_SECRET);
  await sql`
    INSERT INTO customers (external_id, name, mobile, locale, time_zone, tier, marketing_consent)
    SELECT 'S-' || g, '持卡人' || g, '+86137' || lpad(g::text, 8, '0'), 'zh-CN', 'Asia/Shanghai', 'standard', false
      FROM generate_series(1, ${count}) g`.execute(db);
  await sql`
    INSERT INTO cards (external_id, customer_id, last4, pan_hmac, activation_hmac, product, currency, credit_limit, balance, status, expires_on)
    SELECT 'SC-' || c.external_id, c.id, (1000 + (substr(c.external_id, 3)::int % 9000))::text, md5(c.external_id), md5('a' || c.external_id),
           'classic', 'CNY', 50000, (substr(c.external_id, 3)::int % 40000) + 0.5, 'active', '2029-12-31'
      FROM customers c WHERE c.external_id LIKE 'S-%'`.execute(db);
  await sql`
    INSERT INTO inbound_messages (channel, provider_id, from_number, to_number, text, received_at, status, customer_id, command, processed_at)
    SELECT 'smpp', 'history:' || c.id || ':' || h, c.mobile, '95555', 'BAL', t, 'processed', c.id, 'BAL', t + interval '20 ms'
      FROM customers c, generate_series(1, ${history}) h, LATERAL (SELECT now() - h * interval '6 days' + c.id * interval '1 s' AS t) at
     WHERE c.external_id LIKE 'S-%'`.execute(db);
  await sql`
    INSERT INTO outbound_messages (channel, to_number, customer_id, inbound_id, template, class, priority, body, locale, status,
                                   provider_id, attempts, not_before, created_at, updated_at, sent_at, settled_at, encoding, segments)
    SELECT 'smpp', i.from_number, i.customer_id, i.id, 'balance', 'service', 1, '(history)', 'zh-CN', 'delivered',
           'h' || i.id, 1, i.received_at, i.received_at, i.received_at, i.received_at, i.received_at, 'ucs2', 1
      FROM inbound_messages i WHERE i.provider_id LIKE 'history:%'`.execute(db);
  await sql`ANALYZE`.execute(db);
}
