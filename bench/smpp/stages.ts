import { sql } from 'kysely';
import type { Db } from '../../src/db/schema';
import { percentile } from '../db';

const STAGES = ['SMSC → recorded', 'recorded → handled', 'handled → handed', 'handed → at SMSC'] as const;

/** Wall-clock start and end (Date.now) of the trip from each number, as on the SMPP wire. */
export type TripWalls = ReadonlyMap<string, { start: number; end: number }>;

/**
 * Where the time of Uplink's round trips went, by stage, from the timestamps PostgreSQL holds
 * (received_at, processed_at, handed_at) and the wall clock of each trip's start and end. Texts
 * whose body is `text` from the numbers in `walls`, received since the first trip began (one
 * phase of the run, no history) only. p50 / p99 in ms.
 */
export async function stageLine(db: Db, walls: TripWalls, text: string): Promise<string> {
  const since = new Date(Math.min(...[...walls.values()].map((w) => w.start)));
  const { rows } = await sql<{ from_number: string; received: number; processed: number; handed: number }>`
    SELECT i.from_number, extract(epoch FROM i.received_at) * 1000 AS received,
           extract(epoch FROM i.processed_at) * 1000 AS processed, extract(epoch FROM o.handed_at) * 1000 AS handed
      FROM inbound_messages i JOIN outbound_messages o ON o.inbound_id = i.id
     WHERE i.channel = 'smpp' AND i.text = ${text} AND i.received_at >= ${since}`.execute(db);
  const spans: number[][] = STAGES.map(() => []);
  for (const r of rows) {
    const wall = walls.get(r.from_number.replace(/^\+/, ''));
    if (!wall) continue;
    const marks = [wall.start, Number(r.received), Number(r.processed), Number(r.handed), wall.end];
    for (let s = 0; s < STAGES.length; s++) spans[s].push(marks[s + 1] - marks[s]);
  }
  return STAGES.map((name, s) => {
    const sorted = spans[s].sort((a, b) => a - b);
    return `${name} ${percentile(sorted, 50).toFixed(1)} / ${percentile(sorted, 99).toFixed(1)}`;
  }).join(', ');
}
