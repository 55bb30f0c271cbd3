import { afterEach, describe, expect, it } from '@jest/globals';
import { sql } from 'kysely';
import { createDb } from '../../../src/db/connection';
import { isDatabaseUnavailable } from '../../../src/db/errors';
import { freshDatabase } from '../../helpers/db';
import { TcpProxy } from '../../helpers/tcp-proxy';

const cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

/** A one-connection pool to a fresh database through a proxy the test controls. */
async function throughProxy(timeouts = { connectMs: 1_000, statementMs: 1_000, queryMs: 1_500 }) {
  const tdb = await freshDatabase();
  const target = new URL(tdb.url);
  const proxy = new TcpProxy({ host: target.hostname, port: Number(target.port || 5432) });
  await proxy.start();
  target.host = `127.0.0.1:${proxy.port}`;
  const db = createDb(target.toString(), 1, timeouts);
  cleanup.push(
    () => tdb.drop(),
    () => proxy.stop(),
    () => db.destroy(),
  );
  return { db, proxy };
}

describe('a connection that dies while checked out of the pool', () => {
  it('rejects what runs on it, does not end the process, and the pool connects again', async () => {
    const { db, proxy } = await throughProxy();
    await db.connection().execute(async (conn) => {
      await sql`SELECT 1`.execute(conn);
      proxy.drop(); // between two statements of a transaction, as a restarting server does
      await new Promise((r) => setTimeout(r, 200)); // the client hears of it while nobody listens on the pool's behalf
      const err = await sql`SELECT 1`.execute(conn).then(
        () => null,
        (e: unknown) => e,
      );
      expect(isDatabaseUnavailable(err)).toBe(true);
    });
    proxy.pass();
    expect((await sql<{ one: number }>`SELECT 1 AS one`.execute(db)).rows).toEqual([{ one: 1 }]);
  });

  it('gives up on a hung server after the query timeout, and the pool does not hand that connection out again', async () => {
    const { db, proxy } = await throughProxy();
    await sql`SELECT 1`.execute(db);
    proxy.hang();
    const err = await sql`SELECT 1`.execute(db).then(
      () => null,
      (e: unknown) => e,
    );
    expect(isDatabaseUnavailable(err)).toBe(true);
    expect((err as Error).message).toMatch(/Query read timeout/);
    proxy.pass();
    expect((await sql<{ one: number }>`SELECT 1 AS one`.execute(db)).rows).toEqual([{ one: 1 }]);
  });
});
