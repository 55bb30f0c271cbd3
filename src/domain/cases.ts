import type { CaseRow, Db } from '../db/schema';
import { maskCardNumbers } from './pan';
import { withFreshRef } from './refs';

/** A new case for agents. `source` makes opening idempotent (e.g. `txn:<id>` for a fraud check). */
export interface NewCase {
  kind: CaseRow['kind'];
  customerId: number;
  cardId?: number | null;
  summary: string;
  offer?: string | null;
  dueAt?: Date | null;
  source?: string | null;
}

/** Opens a case, or returns the one already opened from the same source. */
export async function openCase(db: Db, c: NewCase, now: Date): Promise<CaseRow> {
  if (c.source) {
    const existing = await db.selectFrom('cases').selectAll().where('source', '=', c.source).executeTakeFirst();
    if (existing) return existing;
  }
  return withFreshRef((ref) =>
    db
      .insertInto('cases')
      .values({
        ref: `C${ref}`,
        kind: c.kind,
        customer_id: c.customerId,
        card_id: c.cardId ?? null,
        summary: c.summary,
        offer: c.offer ?? null,
        due_at: c.dueAt ?? null,
        source: c.source ?? null,
        created_at: now,
      })
      .returningAll()
      .executeTakeFirstOrThrow(),
  );
}

/** The unresolved case of a kind for a card, if one is open. */
export async function openCaseFor(db: Db, kind: CaseRow['kind'], cardId: number): Promise<CaseRow | undefined> {
  return db.selectFrom('cases').selectAll().where('kind', '=', kind).where('card_id', '=', cardId).where('status', '!=', 'resolved').executeTakeFirst();
}

/** Cases by status and kind, oldest first. */
export async function listCases(db: Db, filter: { status?: CaseRow['status']; kind?: CaseRow['kind']; limit: number }) {
  let q = db
    .selectFrom('cases')
    .innerJoin('customers', 'customers.id', 'cases.customer_id')
    .leftJoin('staff', 'staff.id', 'cases.assigned_to')
    .select([
      'cases.ref',
      'cases.kind',
      'cases.status',
      'cases.summary',
      'cases.offer',
      'cases.due_at',
      'cases.outcome',
      'cases.created_at',
      'customers.external_id as customer',
      'customers.tier',
      'staff.external_id as assignedTo',
    ])
    .orderBy('cases.created_at')
    .orderBy('cases.id')
    .limit(filter.limit);
  if (filter.status) q = q.where('cases.status', '=', filter.status);
  if (filter.kind) q = q.where('cases.kind', '=', filter.kind);
  return q.execute();
}

/** Outcome of an agent's action on a case. */
export type CaseAction = { kind: 'done'; case: CaseRow } | { kind: 'unknown' } | { kind: 'conflict'; case: CaseRow };

/** Claims an open case for an agent (one agent wins; claiming one's own case again is a no-op). */
export async function claimCase(db: Db, ref: string, staffId: number, now: Date): Promise<CaseAction> {
  const c = await db.selectFrom('cases').selectAll().where('ref', '=', ref).forUpdate().executeTakeFirst();
  if (!c) return { kind: 'unknown' };
  if (c.status === 'claimed' && c.assigned_to === staffId) return { kind: 'done', case: c };
  if (c.status !== 'open') return { kind: 'conflict', case: c };
  const updated = await db
    .updateTable('cases')
    .set({ status: 'claimed', assigned_to: staffId, claimed_at: now })
    .where('id', '=', c.id)
    .returningAll()
    .executeTakeFirstOrThrow();
  return { kind: 'done', case: updated };
}

/** Adds an agent's note to a case (card numbers in it masked). */
export async function noteCase(db: Db, ref: string, staffId: number, note: string): Promise<CaseAction> {
  const c = await db.selectFrom('cases').selectAll().where('ref', '=', ref).executeTakeFirst();
  if (!c) return { kind: 'unknown' };
  await db
    .insertInto('case_notes')
    .values({ case_id: c.id, staff_id: staffId, note: maskCardNumbers(note) })
    .execute();
  return { kind: 'done', case: c };
}

/** Resolves a case with its outcome (card numbers in it masked); a resolved case stays resolved. */
export async function resolveCase(db: Db, ref: string, staffId: number, outcome: string, now: Date): Promise<CaseAction> {
  const c = await db.selectFrom('cases').selectAll().where('ref', '=', ref).forUpdate().executeTakeFirst();
  if (!c) return { kind: 'unknown' };
  if (c.status === 'resolved') return { kind: 'conflict', case: c };
  const updated = await db
    .updateTable('cases')
    .set({ status: 'resolved', outcome: maskCardNumbers(outcome), resolved_at: now, assigned_to: c.assigned_to ?? staffId })
    .where('id', '=', c.id)
    .returningAll()
    .executeTakeFirstOrThrow();
  return { kind: 'done', case: updated };
}

/** A case's notes, oldest first. */
export async function caseNotes(db: Db, caseId: number) {
  return db
    .selectFrom('case_notes')
    .innerJoin('staff', 'staff.id', 'case_notes.staff_id')
    .select(['case_notes.note', 'case_notes.created_at', 'staff.external_id as staff'])
    .where('case_id', '=', caseId)
    .orderBy('case_notes.id')
    .execute();
}

/** The customer's unresolved case of a kind (a call-back already asked for), if any. */
export async function openCaseOfCustomer(db: Db, kind: CaseRow['kind'], customerId: number): Promise<CaseRow | undefined> {
  return db.selectFrom('cases').selectAll().where('kind', '=', kind).where('customer_id', '=', customerId).where('status', '!=', 'resolved').executeTakeFirst();
}
