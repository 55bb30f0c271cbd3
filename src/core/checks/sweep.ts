import type { Kysely } from 'kysely';
import type { AppConfig } from '../../config';
import type { Database } from '../../db/schema';
import { audit } from '../../domain/audit';
import { openCase } from '../../domain/cases';
import { cardById, escalateCheck, lapsedCheckIds, uncheckedTransactions } from '../../domain/checks';
import type { Notifier } from '../messaging/notifier';
import { askIfLarge } from './record';

/**
 * Asks about large transactions recorded in the last day that have no check yet (after a crash, or
 * loaded in bulk); each question commits on its own.
 */
export async function sweepUnasked(db: Kysely<Database>, notifier: Notifier, config: AppConfig, now: Date): Promise<number> {
  const rows = await uncheckedTransactions(db, new Date(now.getTime() - 24 * 3600_000), new Date(now.getTime() - 60_000));
  let asked = 0;
  for (const tx of rows) {
    const done = await db.transaction().execute(async (trx) => askIfLarge(trx, notifier, config, tx, await cardById(trx, tx.card_id), now));
    if (done) asked++;
  }
  return asked;
}

/** Unanswered checks past their window go to the agents' fraud queue, each check and its case in one transaction. */
export async function escalateUnanswered(db: Kysely<Database>, now: Date): Promise<number> {
  let escalated = 0;
  for (const id of await lapsedCheckIds(db, now)) {
    escalated += await db.transaction().execute(async (trx) => {
      const c = await escalateCheck(trx, id);
      if (!c) return 0; // answered meanwhile
      await openCase(
        trx,
        {
          kind: 'fraud',
          customerId: c.customer_id,
          cardId: c.card_id,
          summary: `No answer to large-transaction check ${c.ref}`,
          source: `txn:${c.transaction_id}`,
        },
        now,
      );
      await audit(trx, { actorType: 'system', channel: 'scheduler', action: 'txcheck.escalated', subject: `transaction:${c.transaction_id}` });
      return 1;
    });
  }
  return escalated;
}
