import { afterEach, describe, expect, it } from '@jest/globals';
import { Migrator, sql } from 'kysely';
import { migrations } from '../../../migrations/index';
import { addMonths, dropExpiredPartitions, ensurePartitions, firstIdOf, listPartitions, monthOf } from '../../../src/db/partitions';
import type { Db } from '../../../src/db/schema';
import { conversation } from '../../../src/domain/history';
import { loadConfig } from '../../../src/config';
import { createMessaging } from '../../../src/core/messaging/notifier';
import { jobDefinitions, runJob } from '../../../src/scheduler/jobs';
import { freshDatabase, type TestDatabase } from '../../helpers/db';

let tdb: TestDatabase | undefined;
afterEach(async () => {
  await tdb?.drop();
  tdb = undefined;
});

const TABLES = ['inbound_messages', 'outbound_messages', 'delivery_reports', 'audit_log'];

/** The partition a row of `table` is stored in. */
async function partitionOf(db: Db, table: string, id: number): Promise<string> {
  const { rows } = await sql<{ p: string }>`SELECT tableoid::regclass::text AS p FROM ${sql.table(table)} WHERE id = ${id}`.execute(db);
  return rows[0]!.p;
}

/** A text as recorded (with its provider id's key, once the key table exists). */
async function insertText(db: Db, providerId: string, keyed = true): Promise<number> {
  const { rows } = await sql<{ id: number }>`
    INSERT INTO inbound_messages (channel, provider_id, from_number, to_number, text, received_at)
    VALUES ('dev', ${providerId}, '+8613800000001', 'U', 'BAL', now()) RETURNING id`.execute(db);
  if (keyed) await sql`INSERT INTO inbound_keys VALUES ('dev', ${providerId}, ${rows[0]!.id})`.execute(db);
  return rows[0]!.id;
}

/** A message as queued (with its dedupe key's key, once the key table exists). */
async function insertReply(db: Db, dedupeKey: string | null, keyed = true): Promise<number> {
  const { rows } = await sql<{ id: number }>`
    INSERT INTO outbound_messages (to_number, template, class, priority, body, locale, dedupe_key)
    VALUES ('+8613800000001', 't', 'service', 20, 'hi', 'en', ${dedupeKey}) RETURNING id`.execute(db);
  if (keyed && dedupeKey) await sql`INSERT INTO outbound_keys VALUES (${dedupeKey}, ${rows[0]!.id})`.execute(db);
  return rows[0]!.id;
}

describe('month partitions (migration 018)', () => {
  it('partitions the four tables by id; rows from before it stay in the upgrade partition with their keys, new ids start at the month', async () => {
    tdb = await freshDatabase();
    const { db } = tdb;
    const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations } });
    expect((await migrator.migrateTo('017_waiting_reports')).error).toBeUndefined();
    const before = await insertText(db, 'old-1', false);
    const reply = await insertReply(db, 'birthday:1:2026', false);
    await sql`INSERT INTO audit_log (actor_type, channel, action) VALUES ('system', 'test', 'before.upgrade')`.execute(db);
    expect((await migrator.migrateToLatest()).error).toBeUndefined();

    const { rows: kinds } = await sql<{ relname: string; strategy: string; key: string }>`
      SELECT c.relname, p.partstrat AS strategy, pg_get_partkeydef(c.oid) AS key
        FROM pg_partitioned_table p JOIN pg_class c ON c.oid = p.partrelid ORDER BY c.relname`.execute(db);
    expect(kinds).toEqual(TABLES.sort().map((relname) => ({ relname, strategy: 'r', key: 'RANGE (id)' })));
    const month = monthOf(new Date());
    const tag = `${month.year}${String(month.month).padStart(2, '0')}`;
    expect(await partitionOf(db, 'inbound_messages', before)).toBe(`inbound_messages_until_${tag}`);
    expect(await partitionOf(db, 'outbound_messages', reply)).toBe(`outbound_messages_until_${tag}`);
    const { rows: keys } = await sql<{ n: number }>`
      SELECT (SELECT count(*)::int FROM inbound_keys WHERE provider_id = 'old-1' AND inbound_id = ${before})
           + (SELECT count(*)::int FROM outbound_keys WHERE dedupe_key = 'birthday:1:2026' AND outbound_id = ${reply}) AS n`.execute(db);
    expect(keys[0]!.n).toBe(2);

    const after = await insertText(db, 'new-1');
    expect(after).toBeGreaterThanOrEqual(firstIdOf(month));
    expect(after).toBeLessThan(firstIdOf(addMonths(month, 1)));
    expect(await partitionOf(db, 'inbound_messages', after)).toBe(`inbound_messages_${tag}`);
    const names = (await listPartitions(db)).filter((p) => p.table === 'audit_log').map((p) => p.name);
    expect(names).toEqual(
      [0, 1, 2, 3]
        .map((n) => addMonths(month, n))
        .map((m) => `audit_log_${m.year}${String(m.month).padStart(2, '0')}`)
        .concat(`audit_log_until_${tag}`),
    );
    await expect(sql`DELETE FROM audit_log`.execute(db)).rejects.toThrow(/append-only/);
    await expect(sql`TRUNCATE audit_log`.execute(db)).rejects.toThrow(/append-only/);
    await expect(sql.raw(`TRUNCATE audit_log_${tag}`).execute(db)).rejects.toThrow(/append-only/);
  });

  it('creates the months ahead and moves each id sequence to a new month once, forward only', async () => {
    tdb = await freshDatabase();
    const { db } = tdb;
    const later = addMonths(monthOf(new Date()), 5);
    const at = new Date(Date.UTC(later.year, later.month - 1, 1, 0, 30));
    expect(await ensurePartitions(db, at)).toEqual({ created: 4 * TABLES.length, moved: TABLES.length });
    expect(await ensurePartitions(db, at)).toEqual({ created: 0, moved: 0 });
    const id = await insertReply(db, null);
    expect(id).toBe(firstIdOf(later));
    expect(await partitionOf(db, 'outbound_messages', id)).toBe(`outbound_messages_${later.year}${String(later.month).padStart(2, '0')}`);
    // An earlier clock neither moves the sequence back nor creates partitions inside the existing ranges.
    expect(await ensurePartitions(db, new Date())).toEqual({ created: 0, moved: 0 });
    expect(await insertReply(db, null)).toBe(firstIdOf(later) + 1);
    const tag = `${later.year}${String(later.month).padStart(2, '0')}`;
    await expect(sql.raw(`TRUNCATE audit_log_${tag}`).execute(db)).rejects.toThrow(/append-only/);
  });

  it('leaves a month whose table is busy for the next run instead of queueing every query behind it', async () => {
    tdb = await freshDatabase();
    const { db } = tdb;
    const later = addMonths(monthOf(new Date()), 4); // past the months the migration made
    const at = new Date(Date.UTC(later.year, later.month - 1, 1, 0, 30));
    const first = await db.connection().execute(async (c) => {
      await sql`BEGIN`.execute(c);
      await sql`SELECT count(*) FROM inbound_messages`.execute(c);
      const made = await ensurePartitions(db, at, 3, 200);
      await sql`ROLLBACK`.execute(c);
      return made;
    });
    // Four months for each table but inbound_messages, and no id sequence moved into a month whose partition is missing.
    expect(first).toEqual({ created: 4 * (TABLES.length - 1), moved: TABLES.length - 1 });
    expect(await ensurePartitions(db, at, 3, 200)).toEqual({ created: 4, moved: 1 });
    expect(await insertText(db, 'after-the-wait')).toBe(firstIdOf(later));
  });

  it('drops the months past retention with their keys and parts, keeps the audit trail longer, and leaves a busy partition for the next run', async () => {
    tdb = await freshDatabase();
    const { db } = tdb;
    const now = monthOf(new Date());
    const text = await insertText(db, 'p-1');
    const reply = await insertReply(db, 'k-1');
    await sql`INSERT INTO outbound_parts (outbound_id, part_no, channel, provider_id) VALUES (${reply}, 1, 'smpp', 'x1')`.execute(db);
    await sql`INSERT INTO audit_log (actor_type, channel, action) VALUES ('system', 'test', 'kept')`.execute(db);
    const inTwoYears = addMonths(now, 24);
    const clock = new Date(Date.UTC(inTwoYears.year, inTwoYears.month - 1, 2));
    await ensurePartitions(db, clock);
    const survivor = await insertReply(db, 'k-2');

    // A transaction reading the inbound partitions holds them: that table waits for the next run.
    const holder = await db.connection().execute(async (c) => {
      await sql`BEGIN`.execute(c);
      await sql`SELECT count(*) FROM inbound_messages`.execute(c);
      const dropped = await dropExpiredPartitions(db, clock, { messages: 13, audit: 84 }, 200);
      await sql`ROLLBACK`.execute(c);
      return dropped;
    });
    expect(holder.some((n) => n.startsWith('inbound_messages'))).toBe(false);
    expect(holder).toContain(`outbound_messages_until_${now.year}${String(now.month).padStart(2, '0')}`);
    expect(holder.some((n) => n.startsWith('audit_log'))).toBe(false);

    const second = await dropExpiredPartitions(db, clock, { messages: 13, audit: 84 });
    expect(second.length).toBeGreaterThan(0);
    expect(second.every((n) => n.startsWith('inbound_messages'))).toBe(true);
    const { rows } = await sql<{ texts: number; replies: number; keys: number; parts: number; audit: number }>`
      SELECT (SELECT count(*)::int FROM inbound_messages WHERE id = ${text}) AS texts,
             (SELECT count(*)::int FROM outbound_messages) AS replies,
             (SELECT count(*)::int FROM inbound_keys) + (SELECT count(*)::int FROM outbound_keys WHERE dedupe_key = 'k-1') AS keys,
             (SELECT count(*)::int FROM outbound_parts) AS parts,
             (SELECT count(*)::int FROM audit_log WHERE action = 'kept') AS audit`.execute(db);
    expect(rows[0]).toEqual({ texts: 0, replies: 1, keys: 0, parts: 0, audit: 1 });
    expect(await partitionOf(db, 'outbound_messages', survivor)).toMatch(/^outbound_messages_\d{6}$/);
    // The key of a message kept stays: the same dedupe key is still refused.
    const { rows: key } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM outbound_keys WHERE dedupe_key = 'k-2'`.execute(db);
    expect(key[0]!.n).toBe(1);
  });

  it("reads a customer's history month by month, newest first, as far back as it takes", async () => {
    tdb = await freshDatabase();
    const { db } = tdb;
    const { rows } = await sql<{ id: number }>`
      INSERT INTO customers (external_id, name, mobile, locale, time_zone, tier) VALUES ('H-1', 'H', '+8613900000009', 'en', 'UTC', 'gold') RETURNING id`.execute(
      db,
    );
    const customer = rows[0]!.id;
    const now = monthOf(new Date());
    // One message in each of this month, last month and seven months ago (ids and times of those months), and one to
    // the number before it was a customer's.
    const put = async (monthsAgo: number, text: string, customerId: number | null) => {
      const m = addMonths(now, -monthsAgo);
      const at = new Date(Date.UTC(m.year, m.month - 1, 1, 12));
      await sql`INSERT INTO outbound_messages (id, to_number, customer_id, template, class, priority, body, locale, created_at)
                VALUES (${firstIdOf(m) + 7}, '+8613900000009', ${customerId}, 't', 'service', 20, ${text}, 'en', ${at})`.execute(db);
    };
    await put(0, 'this month', customer);
    await put(1, 'last month', customer);
    await put(7, 'seven months ago', customer);
    await put(9, 'to the number', null);
    const all = await conversation(db, 'H-1', 10);
    expect(all!.map((r) => r.text)).toEqual(['this month', 'last month', 'seven months ago', 'to the number']);
    expect((await conversation(db, 'H-1', 2))!.map((r) => r.text)).toEqual(['this month', 'last month']);
    expect(await conversation(db, 'NOBODY', 2)).toBeUndefined();
  });

  it("runs as the hourly partitions job by the database's clock, not the slot's", async () => {
    tdb = await freshDatabase();
    const config = loadConfig({ CARD_HASH_SECRET: 'x'.repeat(64), DATABASE_URL: tdb.url, RETENTION_MONTHS: '13' });
    const job = jobDefinitions('UTC').find((j) => j.name === 'partitions')!;
    expect(job.cron).toBe('5 * * * *');
    const ctx = { db: tdb.db, notifier: createMessaging(config).notifier, config };
    // The slot's time is a test clock years away; the job goes by the database's now(): nothing to create or drop.
    expect(await runJob(ctx, job, new Date('2031-06-01T00:05:00Z'))).toEqual({ created: 0, moved: 0, dropped: 0 });
    const runs = await tdb.db.selectFrom('job_runs').select(['name', 'outcome']).execute();
    expect(runs).toEqual([{ name: 'partitions', outcome: 'ok' }]);
  });
});
