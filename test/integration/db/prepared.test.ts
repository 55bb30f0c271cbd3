import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createDb, PREPARED_MAX, prepared } from '../../../src/db/connection';
import { freshDatabase, type TestDatabase } from '../../helpers/db';

let tdb: TestDatabase;

beforeAll(async () => {
  tdb = await freshDatabase();
});

afterAll(async () => {
  await tdb.drop();
});

describe('prepared statements', () => {
  it('prepares a tagged statement once per connection and reuses it; an untagged one is not kept', async () => {
    const db = createDb(tdb.url, 1); // one connection: every statement below runs on it
    try {
      for (const n of [1, 2, 3]) {
        const { rows } = await sql<{ doubled: number }>`${prepared} SELECT ${n}::int * 2 AS doubled`.execute(db);
        expect(rows).toEqual([{ doubled: n * 2 }]);
      }
      await sql`SELECT ${4}::int AS plain`.execute(db);
      const { rows } = await sql<{ statement: string }>`SELECT statement FROM pg_prepared_statements`.execute(db);
      expect(rows.map((r) => r.statement)).toEqual(['/* prepared */ SELECT $1::int * 2 AS doubled']);
    } finally {
      await db.destroy();
    }
  });

  it('keeps tagged statements apart by their text', async () => {
    const db = createDb(tdb.url, 1);
    try {
      expect((await sql<{ v: string }>`${prepared} SELECT ${'a'}::text AS v`.execute(db)).rows).toEqual([{ v: 'a' }]);
      expect((await sql<{ v: number }>`${prepared} SELECT ${7}::int + 1 AS v`.execute(db)).rows).toEqual([{ v: 8 }]);
      const { rows } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM pg_prepared_statements`.execute(db);
      expect(rows[0].n).toBe(2);
    } finally {
      await db.destroy();
    }
  });

  it('prepares at most PREPARED_MAX texts: a text that varies with its data runs unprepared, and answers the same', async () => {
    const db = createDb(tdb.url, 1);
    try {
      for (let i = 0; i < PREPARED_MAX + 20; i++) {
        const { rows } = await sql<{
          v: number;
        }>`${prepared} SELECT ${i}::int AS ${sql.raw(`v`)}, ${sql.raw(String(i))} AS inlined_${sql.raw(String(i))}`.execute(db);
        expect(rows[0].v).toBe(i);
      }
      const { rows } = await sql<{ statement: string }>`SELECT statement FROM pg_prepared_statements`.execute(db);
      expect(rows.length).toBeLessThanOrEqual(PREPARED_MAX);
      expect(rows.length).toBeGreaterThan(0);
      // The texts prepared before the bound still are, and still run prepared.
      expect((await sql<{ doubled: number }>`${prepared} SELECT ${5}::int * 2 AS doubled`.execute(db)).rows).toEqual([{ doubled: 10 }]);
      const again = await sql<{ n: number }>`SELECT count(*)::int AS n FROM pg_prepared_statements WHERE statement LIKE '%doubled'`.execute(db);
      expect(again.rows[0].n).toBe(1);
    } finally {
      await db.destroy();
    }
  });
});
