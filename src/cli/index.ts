import { readFileSync } from 'node:fs';
import { boot } from '../boot';
import { readDotEnv } from '../config';
import { ImportError, importDocument, parseImport } from '../domain/import/import';
import { cardKeyring } from '../domain/pan';
import { jobCommands } from './jobs';
import { staffCommand } from './staff';
import { unknownsCommand } from './unknowns';

const USAGE = `usage: npm run cli -- <command>
  import <file.json>   load customers, cards, statements, transactions, events and staff
  staff add --id X --name N --role agent|marketing|supervisor|admin [--mobile M] [--locale L]
                       create a staff account; prints its API token once
  staff rotate --id X  a new token for X (the old one stops working)
  staff disable --id X remove X's token and staff phone
  staff list           staff accounts, token expiry and last use
  job <name> [--date YYYY-MM-DD]   run a scheduled job now (as of a date)
  jobs                 list jobs with their last run, outcome and counts
  unknowns [--since 7d|2026-11-01] [--limit 20]
                       the texts cardholders sent that were not understood, most frequent first`;

/** `npm run cli -- …`: operations commands against the configured (or embedded) database. */
async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === 'import') return runImport(rest[0]);
  if (command === 'staff') return staffCommand(rest, () => boot());
  if (command === 'job' || command === 'jobs') return jobCommands(command, rest, () => boot());
  if (command === 'unknowns') return unknownsCommand(rest, () => boot());
  process.stderr.write(`${USAGE}\n`);
  return 2;
}

async function runImport(file: string | undefined): Promise<number> {
  if (!file) {
    process.stderr.write('usage: npm run cli -- import <file.json>\n');
    return 2;
  }
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    process.stderr.write(`${file}: cannot read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})\n`);
    return 1;
  }
  const booted = await boot();
  try {
    const doc = parseImport(text, booted.config.defaultRegion);
    const counts = await importDocument(booted.db, doc, cardKeyring(booted.config.cardHashSecret!, booted.config.cardHashPreviousSecrets));
    process.stdout.write(
      `imported ${Object.entries(counts)
        .map(([k, v]) => `${v} ${k}`)
        .join(', ')}\n`,
    );
    return 0;
  } catch (err) {
    if (!(err instanceof ImportError)) throw err;
    for (const p of err.problems) process.stderr.write(`${file}: ${p.path}: ${p.message}\n`);
    process.stderr.write(`${err.problems.length} problem(s); nothing was imported\n`);
    return 1;
  } finally {
    await booted.close();
  }
}

readDotEnv();
main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
