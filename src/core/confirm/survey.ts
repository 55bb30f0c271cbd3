import type { CaseRow, Db } from '../../db/schema';
import { customerById } from '../../domain/accounts';
import type { Notifier } from '../messaging/notifier';

/** How long after a case is resolved its survey can be answered. */
const SURVEY_DAYS = 7;

/** Asks the customer of a resolved case to rate the service ("reply 1–5"), in the resolving transaction. */
export async function askSurvey(db: Db, notifier: Notifier, c: CaseRow, now: Date): Promise<void> {
  if (c.status !== 'resolved' || c.survey_asked_at) return;
  await db.updateTable('cases').set({ survey_asked_at: now }).where('id', '=', c.id).execute();
  const customer = await customerById(db, c.customer_id);
  await notifier.toCustomer(db, customer, 'survey.ask', { ref: c.ref }, { class: 'service', now, dedupeKey: `survey:${c.id}` });
}

/** Records a score on the customer's latest case asked about and not yet rated (the agent's quality score); undefined when none. */
export async function scoreSurvey(db: Db, customerId: number, score: number, now: Date) {
  return db
    .updateTable('cases')
    .set({ survey_score: score })
    .where('id', '=', (eb) =>
      eb
        .selectFrom('cases')
        .select('id')
        .where('customer_id', '=', customerId)
        .where('survey_asked_at', '>', new Date(now.getTime() - SURVEY_DAYS * 86_400_000))
        .where('survey_score', 'is', null)
        .orderBy('survey_asked_at', 'desc')
        .limit(1),
    )
    .returning(['ref', 'assigned_to'])
    .executeTakeFirst();
}
