import type { Customer, Db } from '../../db/schema';
import { insertCardRequest } from '../../domain/card-requests';
import { answerConfirmation, type Confirmation, expireConfirmations, pendingConfirmationsForUpdate, recentlyLapsed } from '../../domain/confirmations';
import { type AnswerOutcome, answerCheck, openCheckChoices } from '../checks/answer';

/** What a `Y` or `N` came to: a quoted action settled, a question back, or the large-transaction check's own outcome. */
export type ConfirmOutcome =
  | { kind: 'check'; outcome: AnswerOutcome }
  | { kind: 'which'; choices: { ref: string; kind: string; label: string }[] }
  | { kind: 'confirmed' | 'cancelled'; confirmation: Confirmation }
  | { kind: 'expired' };

/**
 * Answers `Y`/`N` [ref] from a customer's own registered number: a reference names one pending
 * confirmation (or else a large-transaction check); a bare answer settles the only thing pending,
 * and with several asks which, listing their references. A confirmed action's card-system request
 * is recorded in this transaction. Lapsed confirmations are marked expired on the way.
 */
export async function answerPending(db: Db, customer: Customer, sender: string, yes: boolean, ref: string | undefined, now: Date): Promise<ConfirmOutcome> {
  const pending = await pendingConfirmationsForUpdate(db, customer.id);
  const lapsed = pending.filter((c) => c.expires_at <= now);
  await expireConfirmations(
    db,
    lapsed.map((c) => c.id),
  );
  const open = pending.filter((c) => c.expires_at > now && c.phone === sender);
  if (ref) {
    const hit = open.find((c) => c.ref === ref);
    if (hit) return settle(db, hit, yes, now);
    if (lapsed.some((c) => c.ref === ref)) return { kind: 'expired' };
    const check = await answerCheck(db, customer, yes, ref, now);
    if (check.kind === 'none' && (await recentlyLapsed(db, customer.id, ref, now))) return { kind: 'expired' };
    return { kind: 'check', outcome: check };
  }
  if (open.length === 0) {
    const check = await answerCheck(db, customer, yes, undefined, now);
    if (check.kind === 'none' && (lapsed.length > 0 || (await recentlyLapsed(db, customer.id, undefined, now)))) return { kind: 'expired' };
    return { kind: 'check', outcome: check };
  }
  const checks = await openCheckChoices(db, customer, now);
  if (open.length + checks.length > 1) {
    return {
      kind: 'which',
      choices: [...open.map((c) => ({ ref: c.ref, kind: c.kind, label: '' })), ...checks.map((c) => ({ ref: c.ref, kind: 'txcheck', label: c.label }))],
    };
  }
  return settle(db, open[0], yes, now);
}

async function settle(db: Db, c: Confirmation, yes: boolean, now: Date): Promise<ConfirmOutcome> {
  await answerConfirmation(db, c.id, yes ? 'confirmed' : 'cancelled', now);
  if (yes) await insertCardRequest(db, c, now);
  return { kind: yes ? 'confirmed' : 'cancelled', confirmation: c };
}
