import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from '@jest/globals';
import { Migrator, sql } from 'kysely';
import { migrations } from '../../../migrations/index';
import { boot, DEMO_FILE } from '../../../src/boot';
import { createMessaging } from '../../../src/core/messaging/notifier';
import { migrateToLatest } from '../../../src/db/migrate';
import { importDocument, parseImport } from '../../../src/domain/import/import';
import { cardKeyId, cardKeyring } from '../../../src/domain/pan';
import { jobDefinitions, runJob } from '../../../src/scheduler/jobs';
import { freshDatabase, type TestDatabase } from '../../helpers/db';
import { TEST_SECRET, testGateway, type TestGateway } from '../../helpers/gateway';

const NEW_KEY = '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08';
const LI = '13800138000'; // card ****5432 inactive, activation code 765432
let t: TestGateway | undefined;
let tdb: TestDatabase | undefined;
afterEach(async () => {
  await t?.close();
  await tdb?.drop();
  t = tdb = undefined;
});

describe('migration 009', () => {
  it('masks card numbers stored before it in every free-text column, then locks the audit trail; down and up again', async () => {
    tdb = await freshDatabase();
    const { db } = tdb;
    const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations } });
    const down = await migrator.migrateTo('008_lease_index');
    expect(down.error).toBeUndefined();
    await sql`
      INSERT INTO customers (external_id, name, mobile, locale, time_zone, tier) VALUES ('C-1', 'A', '+8613800000001', 'en', 'UTC', 'gold');
      INSERT INTO cards (external_id, customer_id, last4, pan_hmac, activation_hmac, product, currency, credit_limit, status, expires_on)
        VALUES ('K-1', 1, '1111', 'h1', 'a1', 'GOLD', 'CNY', 1000, 'active', '2030-01-01');
      INSERT INTO transactions (external_id, card_id, amount, currency, merchant, occurred_at) VALUES ('T-1', 1, 10, 'CNY', 'SHOP 4111111111111111', now());
      INSERT INTO inbound_messages (channel, provider_id, from_number, to_number, text, received_at) VALUES ('dev', 'p1', '+8613800000001', 'U', 'card 4111 1111 1111 1111', now());
      INSERT INTO outbound_messages (to_number, template, class, priority, body, locale) VALUES ('+8613800000001', 't', 'service', 20, 'was 4111-1111-1111-1111', 'en');
      INSERT INTO inbound_parts (channel, sender, ref, total, seq, recipient, provider_id, text, received_at) VALUES ('smpp', 's', 1, 2, 1, 'r', 'p', '4111111111111111', now());
      INSERT INTO events (code, title, venue, starts_at, capacity, signup_opens_at, signup_closes_at)
        VALUES ('E1', '{"en":"Gala 4111111111111111","zh-CN":"x","zh-HK":"y"}', 'Hall 4111 1111 1111 1111', now(), 1, now(), now());
      INSERT INTO audit_log (actor_type, channel, action, details) VALUES ('staff', 'api', 'case.notes', '{"note":"4111111111111111"}');
      INSERT INTO staff (external_id, name, role, token_hash) VALUES ('S-1', 'S', 'agent', 'abc');
    `.execute(db);
    await migrateToLatest(db);
    const texts = await sql<{ v: string }>`
      SELECT merchant AS v FROM transactions UNION ALL SELECT text FROM inbound_messages UNION ALL SELECT body FROM outbound_messages
      UNION ALL SELECT text FROM inbound_parts UNION ALL SELECT title::text FROM events UNION ALL SELECT venue FROM events
      UNION ALL SELECT details::text FROM audit_log`.execute(db);
    expect(texts.rows.map((r) => r.v)).toEqual([
      'SHOP ************1111',
      'card **** **** **** 1111',
      'was ****-****-****-1111',
      '************1111',
      '{"en": "Gala ************1111", "zh-CN": "x", "zh-HK": "y"}',
      'Hall **** **** **** 1111',
      '{"note": "************1111"}',
    ]);
    // A token issued before expiry was tracked gets a fresh start rather than expiring at once.
    expect((await db.selectFrom('staff').select('token_issued_at').executeTakeFirstOrThrow()).token_issued_at).toBeInstanceOf(Date);
    await expect(sql`DELETE FROM audit_log`.execute(db)).rejects.toThrow(/append-only/);
  });
});

describe('card-hash keys', () => {
  it('stamps each card with its key id; a key being rotated out still verifies; a key out of the ring does not', async () => {
    t = await testGateway(); // imports the demo data under TEST_SECRET
    const oldId = cardKeyId(TEST_SECRET);
    expect(new Set((await t.tdb.db.selectFrom('cards').select('hash_key_id').execute()).map((c) => c.hash_key_id))).toEqual(new Set([oldId]));
    await t.close();

    t = await testGateway({ env: { CARD_HASH_SECRET: NEW_KEY } }); // a fresh database, imported under the old key, read with the new only
    expect(await t.sms(LI, 'ACT 765432')).toEqual(['抱歉，未能办理您的请求。请核对信息后重试，或致电400-820-8000。']);
    await t.close();

    t = await testGateway({ env: { CARD_HASH_SECRET: NEW_KEY, CARD_HASH_PREVIOUS_SECRETS: TEST_SECRET } });
    expect(await t.sms(LI, 'ACT 765432')).toEqual(['卡号****5432已成功激活，感谢您的使用。']);
    // Imported again under the new key: the cards move to it.
    await importDocument(t.tdb.db, parseImport(readFileSync(DEMO_FILE, 'utf8'), 'CN'), cardKeyring(NEW_KEY, [TEST_SECRET]));
    expect(new Set((await t.tdb.db.selectFrom('cards').select('hash_key_id').execute()).map((c) => c.hash_key_id))).toEqual(new Set([cardKeyId(NEW_KEY)]));

    // Cards from before key ids were stored are stamped with the key in use at the next start.
    tdb = await freshDatabase();
    await importDocument(tdb.db, parseImport(readFileSync(DEMO_FILE, 'utf8'), 'CN'), TEST_SECRET);
    await tdb.db.updateTable('cards').set({ hash_key_id: null }).execute();
    const booted = await boot({ NODE_ENV: 'test', LOG_LEVEL: 'silent', DATABASE_URL: tdb.url, CARD_HASH_SECRET: TEST_SECRET });
    await booted.close();
    expect(new Set((await tdb.db.selectFrom('cards').select('hash_key_id').execute()).map((c) => c.hash_key_id))).toEqual(new Set([oldId]));
  });
});

describe('the message-retention job', () => {
  it('empties the bodies of handled texts and settled messages older than MESSAGE_RETENTION_DAYS, leaving the rest and the audit trail', async () => {
    t = await testGateway({ env: { MESSAGE_RETENTION_DAYS: '30' } });
    const now = t.clock.now();
    const old = new Date(now.getTime() - 31 * 86_400_000);
    const recent = new Date(now.getTime() - 29 * 86_400_000);
    const db = t.tdb.db;
    await sql`INSERT INTO inbound_messages (channel, provider_id, from_number, to_number, text, received_at, status) VALUES
        ('dev', 'old-done', '+1', 'U', 'old handled', ${old}, 'processed'),
        ('dev', 'old-open', '+1', 'U', 'old unhandled', ${old}, 'received'),
        ('dev', 'recent', '+1', 'U', 'recent handled', ${recent}, 'processed')`.execute(db);
    await sql`INSERT INTO outbound_messages (to_number, template, class, priority, body, locale, status, created_at) VALUES
        ('+1', 't', 'service', 20, 'old delivered', 'en', 'delivered', ${old}),
        ('+1', 't', 'service', 20, 'old queued', 'en', 'queued', ${old}),
        ('+1', 't', 'service', 20, 'recent delivered', 'en', 'delivered', ${recent})`.execute(db);
    await sql`INSERT INTO inbound_parts (channel, sender, ref, total, seq, recipient, provider_id, text, received_at)
        VALUES ('smpp', 's', 1, 2, 1, 'r', 'p', 'old part', ${old})`.execute(db);
    await sql`INSERT INTO audit_log (actor_type, channel, action, at) VALUES ('system', 'test', 'old.entry', ${old})`.execute(db);
    const job = jobDefinitions('UTC').find((j) => j.name === 'message-retention')!;
    const ctx = { db: t.tdb.db, notifier: createMessaging(t.gw.config).notifier, config: t.gw.config };
    expect(await runJob(ctx, job, now)).toEqual({ inbound: 1, outbound: 1, parts: 1 });
    const inbound = await t.tdb.db.selectFrom('inbound_messages').select(['provider_id', 'text', 'purged_at']).orderBy('id').execute();
    expect(inbound).toEqual([
      { provider_id: 'old-done', text: '', purged_at: now },
      { provider_id: 'old-open', text: 'old unhandled', purged_at: null },
      { provider_id: 'recent', text: 'recent handled', purged_at: null },
    ]);
    const outbound = await t.tdb.db.selectFrom('outbound_messages').select(['body', 'purged_at']).orderBy('id').execute();
    expect(outbound).toEqual([
      { body: '', purged_at: now },
      { body: 'old queued', purged_at: null },
      { body: 'recent delivered', purged_at: null },
    ]);
    expect(await t.tdb.db.selectFrom('inbound_parts').selectAll().execute()).toEqual([]);
    expect(await t.tdb.db.selectFrom('audit_log').select('action').where('action', '=', 'old.entry').execute()).toEqual([{ action: 'old.entry' }]);
    expect(await runJob(ctx, job, now)).toEqual({ inbound: 0, outbound: 0, parts: 0 }); // a rerun finds nothing left
  });
});
