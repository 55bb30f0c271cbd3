import { type Kysely, sql } from 'kysely';
import type { Database, Db } from '../../db/schema';
import { activationPurpose } from '../activation';
import { upsertEvent } from '../events';
import { formatPath } from '../../shared/field-path';
import { type ImportDocument, importSchema } from './import.schema';
import { type CardKeyring, cardKeyring, keyedHash, maskCardNumbers } from '../pan';

/** One problem in an import file, by path (`customers[3].mobile`). */
export interface ImportProblem {
  path: string;
  message: string;
}

/** Raised when an import is refused; nothing was written. */
export class ImportError extends Error {
  constructor(readonly problems: ImportProblem[]) {
    super(problems.map((p) => `${p.path}: ${p.message}`).join('\n'));
    this.name = 'ImportError';
  }
}

/** What an import wrote. */
export interface ImportCounts {
  customers: number;
  cards: number;
  statements: number;
  transactions: number;
  events: number;
  staff: number;
}

/** Parses and validates an import document from JSON text; throws ImportError listing every bad field. */
export function parseImport(json: string, region: string): ImportDocument {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch (err) {
    throw new ImportError([{ path: '(document)', message: `not JSON: ${(err as Error).message}` }]);
  }
  const parsed = importSchema(region).safeParse(raw);
  if (!parsed.success) {
    throw new ImportError(parsed.error.issues.map((i) => ({ path: formatPath(i.path), message: i.message })));
  }
  return parsed.data;
}

/**
 * Writes a validated document in one transaction, upserting by external id, so a re-import
 * updates rather than duplicates. Full card numbers are reduced to last 4 and keyed hashes here,
 * made with the current key (`key`: a keyring, or one key) and stamped with its id.
 */
export async function importDocument(db: Kysely<Database>, doc: ImportDocument, key: CardKeyring | string): Promise<ImportCounts> {
  const keys = typeof key === 'string' ? cardKeyring(key) : key;
  return db.transaction().execute(async (trx) => {
    await refuseConflicts(trx, doc, keys);
    const counts: ImportCounts = { customers: 0, cards: 0, statements: 0, transactions: 0, events: 0, staff: 0 };
    for (const c of doc.customers) {
      const values = {
        external_id: c.externalId,
        name: c.name,
        mobile: c.mobile,
        locale: c.locale,
        time_zone: c.timeZone,
        tier: c.tier,
        birthday: c.birthday ?? null,
        points: c.points,
        marketing_consent: c.marketingConsent,
        greetings_opt_out: c.greetingsOptOut,
      };
      const { id: customerId } = await trx
        .insertInto('customers')
        .values(values)
        .onConflict((oc) => oc.column('external_id').doUpdateSet({ ...values, updated_at: sql`now()` }))
        .returning('id')
        .executeTakeFirstOrThrow();
      counts.customers++;
      for (const k of c.cards) {
        const card = {
          external_id: k.externalId,
          customer_id: customerId,
          last4: k.pan.slice(-4),
          pan_hmac: keyedHash(keys.current, 'pan', k.pan),
          activation_hmac: keyedHash(keys.current, activationPurpose(k.externalId), k.pan.slice(-6)),
          hash_key_id: keys.currentId,
          product: k.product,
          currency: k.currency,
          credit_limit: k.creditLimit,
          balance: k.balance,
          status: k.status,
          expires_on: k.expiresOn,
        };
        const { id: cardId } = await trx
          .insertInto('cards')
          .values(card)
          .onConflict((oc) => oc.column('external_id').doUpdateSet({ ...card, updated_at: sql`now()` }))
          .returning('id')
          .executeTakeFirstOrThrow();
        counts.cards++;
        for (const s of k.statements) {
          const st = {
            external_id: s.externalId,
            card_id: cardId,
            closing_date: s.closingDate,
            due_date: s.dueDate,
            balance: s.balance,
            minimum_due: s.minimumDue,
            paid_amount: s.paidAmount,
            currency: k.currency,
          };
          await trx
            .insertInto('statements')
            .values(st)
            .onConflict((oc) => oc.column('external_id').doUpdateSet(st))
            .execute();
          counts.statements++;
        }
        for (const t of k.transactions) {
          const tx = {
            external_id: t.externalId,
            card_id: cardId,
            amount: t.amount,
            currency: t.currency ?? k.currency,
            merchant: maskCardNumbers(t.merchant),
            occurred_at: t.occurredAt,
          };
          await trx
            .insertInto('transactions')
            .values(tx)
            .onConflict((oc) => oc.column('external_id').doUpdateSet(tx))
            .execute();
          counts.transactions++;
        }
      }
    }
    for (const e of doc.events) {
      await upsertEvent(trx, e);
      counts.events++;
    }
    for (const s of doc.staff) {
      const st = { external_id: s.externalId, name: s.name, role: s.role, mobile: s.mobile ?? null, locale: s.locale };
      await trx
        .insertInto('staff')
        .values(st)
        .onConflict((oc) => oc.column('external_id').doUpdateSet(st))
        .execute();
      counts.staff++;
    }
    return counts;
  });
}

/** Refuses a document whose mobiles or card numbers (under any key of the ring) already belong to other records in the database. */
async function refuseConflicts(db: Db, doc: ImportDocument, keys: CardKeyring): Promise<void> {
  const problems: ImportProblem[] = [];
  for (const [i, c] of doc.customers.entries()) {
    const holder = await db
      .selectFrom('customers')
      .select('external_id')
      .where('mobile', '=', c.mobile)
      .where('external_id', '!=', c.externalId)
      .executeTakeFirst();
    if (holder) problems.push({ path: `customers[${i}].mobile`, message: `already registered to customer ${holder.external_id}` });
    for (const [j, k] of c.cards.entries()) {
      const other = await db
        .selectFrom('cards')
        .select('external_id')
        .where(
          'pan_hmac',
          'in',
          [...keys.byId.values()].map((secret) => keyedHash(secret, 'pan', k.pan)),
        )
        .where('external_id', '!=', k.externalId)
        .executeTakeFirst();
      if (other) problems.push({ path: `customers[${i}].cards[${j}].pan`, message: `already registered as card ${other.external_id}` });
    }
  }
  for (const [i, s] of doc.staff.entries()) {
    if (!s.mobile) continue;
    const other = await db.selectFrom('staff').select('external_id').where('mobile', '=', s.mobile).where('external_id', '!=', s.externalId).executeTakeFirst();
    if (other) problems.push({ path: `staff[${i}].mobile`, message: `already registered to staff ${other.external_id}` });
  }
  if (problems.length > 0) throw new ImportError(problems);
}
