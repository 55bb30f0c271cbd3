import { parseArgs } from 'node:util';
import type { Booted } from '../boot';
import { parseSince, unknownTexts } from '../core/inbound/unknowns';

const USAGE = 'usage: npm run cli -- unknowns [--since 7d|24h|2026-11-01|2026-11-01T08:00:00+08:00] [--limit 1-500]';

/**
 * `unknowns`: the texts cardholders sent that were not understood, most frequent first, grouped
 * as the parser reads them, so staff can add keywords or phrasings (docs/keywords.md).
 */
export async function unknownsCommand(args: string[], boot: () => Promise<Booted>): Promise<number> {
  let values;
  try {
    values = parseArgs({ args, options: { since: { type: 'string', default: '7d' }, limit: { type: 'string', default: '20' } } }).values;
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n${USAGE}\n`);
    return 2;
  }
  const since = parseSince(values.since, new Date());
  if ('problem' in since) {
    process.stderr.write(`--since: ${since.problem}\n${USAGE}\n`);
    return 2;
  }
  const limit = Number(values.limit);
  if (!/^\d+$/.test(values.limit) || limit < 1 || limit > 500) {
    process.stderr.write(`--limit: expected a whole number from 1 to 500, got ${JSON.stringify(values.limit)}\n${USAGE}\n`);
    return 2;
  }
  const booted = await boot();
  try {
    const texts = await unknownTexts(booted.db, since, limit);
    if (texts.length === 0) {
      process.stdout.write(`every text since ${since.toISOString()} was understood\n`);
      return 0;
    }
    process.stdout.write(`texts not understood since ${since.toISOString()}, most frequent first:\n`);
    process.stdout.write(`${'count'.padStart(6)}  ${'last seen'.padEnd(24)}  text (as most often typed)\n`);
    // JSON-quoted: a text's line breaks and odd characters stay visible and cannot steer the terminal.
    for (const t of texts) process.stdout.write(`${String(t.count).padStart(6)}  ${t.lastAt.toISOString().padEnd(24)}  ${JSON.stringify(t.text)}\n`);
    return 0;
  } finally {
    await booted.close();
  }
}
