// Generated cardholders for the import benchmark: one customer a line with a card (a Luhn-valid
// number) and a statement; `round` changes every balance, so a second file updates every record.
import { createWriteStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { once } from 'node:events';
import { luhnValid } from '../../src/domain/pan';

/** The Luhn check digit that completes `body`. */
export function luhnDigit(body: string): string {
  for (let d = 0; d < 9; d++) if (luhnValid(`${body}${d}`)) return String(d);
  return '9';
}

/** Customer `i`'s line of round `round`. */
export function customerLine(i: number, round: number): string {
  const body = `622588${String(i).padStart(9, '0')}`;
  const balance = ((i * 37 + round * 1013) % 5_000_000) / 100;
  return JSON.stringify({
    externalId: `B-${i}`,
    name: `Bench Customer ${i}`,
    mobile: `+86139${String(i).padStart(8, '0')}`,
    locale: ['zh-CN', 'zh-HK', 'en'][i % 3],
    tier: ['standard', 'gold', 'platinum'][i % 3],
    points: (i * 7 + round) % 100_000,
    cards: [
      {
        externalId: `BK-${i}`,
        pan: body + luhnDigit(body),
        product: 'GOLD',
        currency: 'CNY',
        creditLimit: 50000,
        balance,
        status: 'active',
        expiresOn: '2030-05-31',
        statements: [{ externalId: `BS-${i}`, closingDate: '2026-11-05', dueDate: '2026-11-30', balance, minimumDue: Math.round(balance * 10) / 100 }],
      },
    ],
  });
}

/**
 * Writes `n` customers as NDJSON to `file`, and waits until it is on disk: a card system's file is
 * there before the import starts, and 1.7 GB still being written back would compete with
 * PostgreSQL's own writes in the timed import (a suspected cause, not a proven one, of two runs
 * back to back taking 109 s and 94 s).
 */
export async function writeCustomers(file: string, n: number, round: number): Promise<void> {
  const out = createWriteStream(file);
  for (let i = 1; i <= n; i++) {
    if (!out.write(`${customerLine(i, round)}\n`)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  const written = await open(file, 'r+');
  await written.sync();
  await written.close();
}
