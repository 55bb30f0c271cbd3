import { sql } from 'kysely';
import type { AppConfig } from '../config';
import type { Kysely } from 'kysely';
import type { Customer, Database } from '../db/schema';
import type { Notifier } from '../core/notifier';
import { formatDay, formatMoney } from '../core/templates';
import { displayCard } from '../domain/pan';

/** What a job needs. */
export interface JobContext {
  db: Kysely<Database>;
  notifier: Notifier;
  config: AppConfig;
}

const BATCH = 500;

/**
 * Queues notices in batches of 500, each batch its own transaction: a crash mid-run keeps the
 * batches done, and a rerun skips them by their dedupe keys and carries on where it stopped.
 */
async function queueInBatches<T>(ctx: JobContext, rows: T[], queue: (db: Parameters<Notifier['toCustomer']>[0], row: T) => Promise<number | undefined>): Promise<number> {
  let queued = 0;
  for (let i = 0; i < rows.length; i += BATCH) {
    queued += await ctx.db.transaction().execute(async (trx) => {
      let n = 0;
      for (const row of rows.slice(i, i + BATCH)) if (await queue(trx, row)) n++;
      return n;
    });
  }
  return queued;
}

const addDays = (day: string, n: number) => new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);

/**
 * Birthday greetings. On a scheduled run (`date` unset), customers whose local time is now the
 * configured hour and whose local date is their birthday; with `date`, everyone whose birthday is
 * that date. 29 February birthdays are greeted on 28 February in other years. Selection uses the
 * (month, day) index; each greeting is keyed `birthday:<customer>:<year>`, so reruns send nothing twice.
 */
export async function birthdayGreetings(ctx: JobContext, asOf: Date, date?: string): Promise<Record<string, number>> {
  const utcDay = asOf.toISOString().slice(0, 10);
  // Local dates on Earth span the UTC day before and after.
  const days = date ? [date] : [addDays(utcDay, -1), utcDay, addDays(utcDay, 1)];
  const keys = new Set<number>();
  for (const d of days) {
    keys.add(Number(d.slice(5, 7)) * 100 + Number(d.slice(8, 10)));
    if (d.slice(5) === '02-28') keys.add(229);
  }
  const { rows } = await sql<Customer & { local_day: string }>`
    SELECT c.*, to_char(${date ? sql`${date}::date` : sql`(${asOf}::timestamptz AT TIME ZONE c.time_zone)::date`}, 'YYYY-MM-DD') AS local_day
      FROM customers c
     WHERE c.birthday IS NOT NULL
       AND (extract(month from c.birthday) * 100 + extract(day from c.birthday)) = ANY(${[...keys]}::int[])
       AND c.tier = ANY(${[...ctx.config.birthdayTiers]}::text[])
       AND NOT c.greetings_opt_out
       ${date ? sql`` : sql`AND extract(hour from ${asOf}::timestamptz AT TIME ZONE c.time_zone) = ${ctx.config.birthdayHour}`}`.execute(ctx.db);
  const today = rows.filter((c) => {
    const [y, m, d] = c.local_day.split('-').map(Number);
    const born = c.birthday!.slice(5);
    const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
    return born === c.local_day.slice(5) || (born === '02-29' && !leap && m === 2 && d === 28);
  });
  const queued = await queueInBatches(ctx, today, (db, c) =>
    ctx.notifier.toCustomer(db, c, 'notice.birthday', { name: c.name }, { class: 'service', now: asOf, dedupeKey: `birthday:${c.id}:${c.local_day.slice(0, 4)}` }),
  );
  return { candidates: rows.length, queued };
}

/** Card renewal reminders at each configured offset before expiry, one per card and offset. */
export async function renewalReminders(ctx: JobContext, asOf: Date, date?: string): Promise<Record<string, number>> {
  const today = date ?? asOf.toISOString().slice(0, 10);
  let queued = 0;
  for (const offset of ctx.config.renewalOffsets) {
    const rows = await ctx.db
      .selectFrom('cards')
      .innerJoin('customers', 'customers.id', 'cards.customer_id')
      .selectAll('customers')
      .select(['cards.id as card_id', 'cards.last4', 'cards.expires_on'])
      .where('cards.status', '=', 'active')
      .where('cards.expires_on', '=', addDays(today, offset))
      .execute();
    queued += await queueInBatches(ctx, rows, (db, r) =>
      ctx.notifier.toCustomer(db, r, 'notice.renewal', { card: displayCard(r.last4), expires: formatDay(r.expires_on, r.locale) }, { class: 'service', now: asOf, dedupeKey: `renewal:${r.card_id}:${offset}` }),
    );
  }
  return { queued };
}

/** Payment-due reminders a few days before the due date when the minimum is still unpaid. */
export async function paymentReminders(ctx: JobContext, asOf: Date, date?: string): Promise<Record<string, number>> {
  const due = addDays(date ?? asOf.toISOString().slice(0, 10), ctx.config.paymentReminderDays);
  const rows = await ctx.db
    .selectFrom('statements')
    .innerJoin('cards', 'cards.id', 'statements.card_id')
    .innerJoin('customers', 'customers.id', 'cards.customer_id')
    .selectAll('customers')
    .select(['statements.id as statement_id', 'statements.minimum_due', 'statements.paid_amount', 'statements.currency', 'statements.due_date', 'cards.last4'])
    .where('statements.due_date', '=', due)
    .whereRef('statements.paid_amount', '<', 'statements.minimum_due')
    .where('cards.status', 'in', ['active', 'frozen'])
    .execute();
  const queued = await queueInBatches(ctx, rows, (db, r) => {
    const values = { card: displayCard(r.last4), minimum: formatMoney(r.minimum_due - r.paid_amount, r.currency, r.locale), due: formatDay(r.due_date, r.locale) };
    return ctx.notifier.toCustomer(db, r, 'notice.payment', values, { class: 'service', now: asOf, dedupeKey: `payment:${r.statement_id}` });
  });
  return { queued };
}
