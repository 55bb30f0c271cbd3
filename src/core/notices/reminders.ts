import { activeCardsExpiringOn, unpaidStatementsDueOn } from '../../domain/reminders';
import { displayCard } from '../../domain/pan';
import { formatDay, formatMoney } from '../messaging/templates';
import { addDays, type JobContext, queueInBatches } from './batches';

/** Card renewal reminders at each configured offset before expiry, one per card and offset. */
export async function renewalReminders(ctx: JobContext, asOf: Date, date?: string): Promise<Record<string, number>> {
  const today = date ?? asOf.toISOString().slice(0, 10);
  let queued = 0;
  for (const offset of ctx.config.renewalOffsets) {
    const rows = await activeCardsExpiringOn(ctx.db, addDays(today, offset));
    queued += await queueInBatches(ctx, rows, (db, r) =>
      ctx.notifier.toCustomer(
        db,
        r,
        'notice.renewal',
        { card: displayCard(r.last4), expires: formatDay(r.expires_on, r.locale) },
        { class: 'service', now: asOf, dedupeKey: `renewal:${r.card_id}:${offset}` },
      ),
    );
  }
  return { queued };
}

/** Payment-due reminders a few days before the due date when the minimum is still unpaid. */
export async function paymentReminders(ctx: JobContext, asOf: Date, date?: string): Promise<Record<string, number>> {
  const rows = await unpaidStatementsDueOn(ctx.db, addDays(date ?? asOf.toISOString().slice(0, 10), ctx.config.paymentReminderDays));
  const queued = await queueInBatches(ctx, rows, (db, r) => {
    const values = {
      card: displayCard(r.last4),
      minimum: formatMoney(r.minimum_due - r.paid_amount, r.currency, r.locale),
      due: formatDay(r.due_date, r.locale),
    };
    return ctx.notifier.toCustomer(db, r, 'notice.payment', values, { class: 'service', now: asOf, dedupeKey: `payment:${r.statement_id}` });
  });
  return { queued };
}
