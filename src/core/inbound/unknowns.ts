import type { Db } from '../../db/schema';
import { unknownTextRows } from '../../domain/unknowns';
import { commands } from '../commands/index';
import { normalizeCommandText } from './normalize';
import { PHRASEBOOKS } from './phrasebook';
import { Understanding } from './understand';

/** Texts not understood that read alike: what staff may add as a keyword or phrasing. */
export interface UnknownText {
  /** The most frequent way it was typed (card numbers masked when recorded). */
  text: string;
  count: number;
  lastAt: Date;
}

// Groups as typed, read before merging: enough for the head of the list to be exact.
const ROWS_READ = 5000;
let reader: Understanding | undefined;

/**
 * How a text not understood is grouped: read as the parser reads it (case, width, punctuation,
 * Traditional/Simplified aside), without the words around it (please, what is, my) and numbers
 * (a card's digits, a code).
 */
export function unknownKey(text: string): string {
  reader ??= new Understanding(
    commands.filter((c) => c.audience === 'customer'),
    Object.values(PHRASEBOOKS),
  );
  const words = reader
    .gist(reader.tidy(normalizeCommandText(text)).text)
    .replace(/\d+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return words || '#';
}

/** The most frequent texts not understood since `since`, grouped by `unknownKey`, most frequent first. */
export async function unknownTexts(db: Db, since: Date, limit: number): Promise<UnknownText[]> {
  const groups = new Map<string, UnknownText & { best: number }>();
  for (const row of await unknownTextRows(db, since, ROWS_READ)) {
    const key = unknownKey(row.text);
    const group = groups.get(key);
    if (!group) {
      groups.set(key, { text: row.text, count: row.count, lastAt: row.last_at, best: row.count });
      continue;
    }
    group.count += row.count;
    if (row.last_at > group.lastAt) group.lastAt = row.last_at;
    if (row.count > group.best) [group.text, group.best] = [row.text, row.count];
  }
  return [...groups.values()]
    .sort((a, b) => b.count - a.count || b.lastAt.getTime() - a.lastAt.getTime())
    .slice(0, limit)
    .map(({ text, count, lastAt }) => ({ text, count, lastAt }));
}

const DURATION = /^(\d{1,4})([dh])$/;
const DAY = /^\d{4}-\d{2}-\d{2}$/;
const MOMENT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,3})?)?(?:Z|[+-]\d{2}:\d{2})$/;

/**
 * A `since` as staff write it: a duration back from `now` (`7d`, `24h`), a day (`2026-11-01`,
 * midnight UTC) or a moment with its offset (`2026-11-01T08:00:00+08:00`); a message when it is none.
 */
export function parseSince(value: string, now: Date): Date | { problem: string } {
  const duration = DURATION.exec(value);
  if (duration) return new Date(now.getTime() - Number(duration[1]) * (duration[2] === 'd' ? 86_400_000 : 3_600_000));
  const at = DAY.test(value) ? new Date(`${value}T00:00:00Z`) : MOMENT.test(value) ? new Date(value) : null;
  if (at && !Number.isNaN(at.getTime()) && realDay(value.slice(0, 10))) return at;
  return { problem: `expected a duration (7d, 24h), a day (2026-11-01) or a moment (2026-11-01T08:00:00+08:00), got ${JSON.stringify(value)}` };
}

/** Whether a YYYY-MM-DD is a day of the calendar (Date would roll 2026-02-30 over to March). */
function realDay(day: string): boolean {
  const [y, m, d] = day.split('-').map(Number);
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}
