import { type Kysely, sql } from 'kysely';
import { addMonths, firstIdOf, PARTITIONED, type Month } from '../../src/db/partitions';
import type { Database } from '../../src/db/schema';

const TABLES = ['inbound_messages', 'outbound_messages', 'delivery_reports'] as const;

/**
 * Fills one month: `n` texts out (a quarter replies to as many texts in, with their receipts and
 * provider-id keys; the rest campaign texts), spread over the month (up to now for the current
 * one, where the last 10,000 are still queued and 100 receipts wait unmatched). Customer `c` of
 * `customers` gets every 7,919th text. Each partition is loaded beside its table, then attached
 * (its indexes built in one pass) and vacuumed, so index-only scans can skip the heap.
 */
export async function fillMonth(db: Kysely<Database>, m: Month, n: number, customers: number, current: boolean): Promise<void> {
  const tag = `${m.year}${String(m.month).padStart(2, '0')}`;
  const base = firstIdOf(m);
  const start = new Date(Date.UTC(m.year, m.month - 1, 1));
  const end = current ? new Date() : new Date(Date.UTC(m.year, m.month, 1));
  const step = (end.getTime() - start.getTime()) / 1000 / n;
  const texts = Math.floor(n / 4);
  const queuedFrom = current ? n - 10_000 : n + 1;
  for (const table of TABLES) {
    const name = `${table}_${tag}`;
    const { rows } = await sql<{ attached: boolean }>`SELECT to_regclass(${name}) IS NOT NULL AS attached`.execute(db);
    if (rows[0]!.attached) await sql.raw(`ALTER TABLE ${table} DETACH PARTITION ${name}`).execute(db);
    else {
      const spec = PARTITIONED[table]!;
      await sql.raw(`CREATE TABLE ${name} (LIKE ${table} INCLUDING DEFAULTS INCLUDING CONSTRAINTS)${spec.with ? ` WITH (${spec.with})` : ''}`).execute(db);
    }
  }
  const customer = sql`(1 + (g::bigint * 7919) % ${customers}::bigint)`;
  const at = sql`(${start}::timestamptz + g * ${step}::float8 * interval '1 second')`;
  await sql`
    INSERT INTO ${sql.table(`inbound_messages_${tag}`)} (id, channel, provider_id, from_number, to_number, text, received_at, status, customer_id, command, processed_at)
    SELECT ${base}::bigint + g, 'smpp', 'i' || (${base}::bigint + g), '+861' || (3000000000 + ${customer})::text, '10690000', 'BAL', ${at}, 'processed',
           ${customer}, 'balance', ${at}
      FROM generate_series(1, ${texts}::int) g`.execute(db);
  await sql`
    INSERT INTO inbound_keys (channel, provider_id, inbound_id) SELECT 'smpp', 'i' || (${base}::bigint + g), ${base}::bigint + g FROM generate_series(1, ${texts}::int) g`.execute(
    db,
  );
  await sql`
    INSERT INTO ${sql.table(`outbound_messages_${tag}`)} (id, channel, to_number, customer_id, inbound_id, template, class, priority, body, locale, status,
                provider_id, attempts, not_before, created_at, updated_at, sent_at, settled_at, encoding, segments, campaign_id)
    SELECT ${base}::bigint + g, 'smpp', '+861' || (3000000000 + ${customer})::text, ${customer},
           CASE WHEN g <= ${texts}::int THEN ${base}::bigint + g END,
           CASE WHEN g <= ${texts}::int THEN 'balance' ELSE 'campaign' END,
           CASE WHEN g <= ${texts}::int THEN 'service' ELSE 'marketing' END,
           CASE WHEN g <= ${texts}::int THEN 20 ELSE 50 END,
           CASE WHEN g <= ${texts}::int THEN 'Card ****1234: balance CNY 1,234.56, available CNY 8,765.44.'
                ELSE 'Double points at partner stores this weekend. Reply JOIN GALA27 Reply STOP to opt out' END,
           'en', CASE WHEN g >= ${queuedFrom}::int THEN 'queued' ELSE 'delivered' END,
           CASE WHEN g < ${queuedFrom}::int THEN 'p' || (${base}::bigint + g) END, CASE WHEN g < ${queuedFrom}::int THEN 1 ELSE 0 END,
           ${at}, ${at}, ${at}, CASE WHEN g < ${queuedFrom}::int THEN ${at} + interval '1 second' END,
           CASE WHEN g < ${queuedFrom}::int THEN ${at} + interval '5 seconds' END, 'gsm7', 1, CASE WHEN g > ${texts}::int THEN 1 END
      FROM generate_series(1, ${n}::int) g`.execute(db);
  await sql`
    INSERT INTO ${sql.table(`delivery_reports_${tag}`)} (id, channel, provider_id, state, received_at, outbound_id)
    SELECT ${base}::bigint + g, 'smpp', 'p' || (${base}::bigint + g), 'delivered', ${at} + interval '5 seconds',
           CASE WHEN g <= ${texts}::int - ${current ? 100 : 0}::int THEN ${base}::bigint + g END
      FROM generate_series(1, ${texts}::int) g`.execute(db);
  for (const table of TABLES) {
    await sql.raw(`ALTER TABLE ${table} ATTACH PARTITION ${table}_${tag} FOR VALUES FROM (${base}) TO (${firstIdOf(addMonths(m, 1))})`).execute(db);
    await sql.raw(`VACUUM (ANALYZE) ${table}_${tag}`).execute(db);
  }
}
