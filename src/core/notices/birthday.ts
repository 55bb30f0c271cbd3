import { birthdayCandidates } from '../../domain/reminders';
import { addDays, type JobContext, queueInBatches } from './batches';

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
  const rows = await birthdayCandidates(ctx.db, { keys: [...keys], tiers: ctx.config.birthdayTiers, asOf, date, hour: ctx.config.birthdayHour });
  const today = rows.filter((c) => {
    const [y, m, d] = c.local_day.split('-').map(Number);
    const born = c.birthday!.slice(5);
    const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
    return born === c.local_day.slice(5) || (born === '02-29' && !leap && m === 2 && d === 28);
  });
  const queued = await queueInBatches(ctx, today, (db, c) =>
    ctx.notifier.toCustomer(
      db,
      c,
      'notice.birthday',
      { name: c.name },
      { class: 'service', now: asOf, dedupeKey: `birthday:${c.id}:${c.local_day.slice(0, 4)}` },
    ),
  );
  return { candidates: rows.length, queued };
}
