import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import type { Database } from '../../src/db/schema';

/** A customer for campaign tests: defaults give a consenting standard customer in Shanghai. */
export interface TestCustomer {
  id: string;
  name?: string;
  mobile?: string;
  locale?: 'en' | 'zh-CN' | 'zh-HK';
  tier?: 'standard' | 'gold' | 'platinum';
  timeZone?: string;
  city?: string | null;
  region?: string | null;
  birthday?: string | null;
  since?: string | null;
  points?: number;
  consent?: boolean;
  cards?: { product?: string; status?: 'inactive' | 'active' | 'frozen' | 'closed'; activatedAt?: string | null; last4?: string }[];
}

let serial = 0;

/** Inserts customers (and their cards) straight into the tables; returns their ids by external id. */
export async function addCustomers(db: Kysely<Database>, customers: TestCustomer[]): Promise<Record<string, number>> {
  const ids: Record<string, number> = {};
  for (const c of customers) {
    serial++;
    const row = await db
      .insertInto('customers')
      .values({
        external_id: c.id,
        name: c.name ?? c.id,
        mobile: c.mobile ?? `+86139${String(10_000_000 + serial * 7919).slice(-8)}`,
        locale: c.locale ?? 'zh-CN',
        time_zone: c.timeZone ?? 'Asia/Shanghai',
        tier: c.tier ?? 'standard',
        birthday: c.birthday ?? null,
        points: c.points ?? 0,
        marketing_consent: c.consent ?? true,
        city: c.city === undefined ? 'Shanghai' : c.city,
        region: c.region === undefined ? 'East' : c.region,
        customer_since: c.since ?? null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    ids[c.id] = row.id;
    for (const [i, k] of (c.cards ?? [{}]).entries()) {
      await db
        .insertInto('cards')
        .values({
          external_id: `${c.id}-k${i}`,
          customer_id: row.id,
          last4: k.last4 ?? String(1000 + ((serial * 31 + i) % 9000)),
          pan_hmac: `pan-${c.id}-${i}`,
          activation_hmac: `act-${c.id}-${i}`,
          product: k.product ?? 'classic',
          currency: 'CNY',
          credit_limit: 10000,
          balance: 0,
          status: k.status ?? 'active',
          expires_on: '2029-12-31',
          activated_at: k.activatedAt === undefined ? null : k.activatedAt,
        })
        .execute();
    }
  }
  return ids;
}

/** Opts a number out as a STOP would (suppression, consent withdrawn). */
export async function optOut(db: Kysely<Database>, mobile: string): Promise<void> {
  await db.insertInto('suppressions').values({ mobile, reason: 'sms:STOP' }).execute();
  await sql`UPDATE customers SET marketing_consent = false WHERE mobile = ${mobile}`.execute(db);
}
