import { boot } from '../boot';
import { readDotEnv } from '../config';
import { campaignCommand } from './campaign';
import { importCommand } from './import';
import { jobCommands } from './jobs';
import { staffCommand } from './staff';
import { unknownsCommand } from './unknowns';

const USAGE = `usage: npm run cli -- <command>
  import <file.json | file.ndjson> [--check] [--all-or-nothing | --batches] [--snapshot] [--as-of <moment>]
                       load customers, cards, statements, transactions (and events, staff from a .json document)
  staff add --id X --name N --role agent|marketing|supervisor|admin [--mobile M] [--locale L]
                       create a staff account; prints its API token once
  staff rotate --id X  a new token for X (the old one stops working)
  staff disable --id X remove X's token and staff phone
  staff list           staff accounts, token expiry and last use
  job <name> [--date YYYY-MM-DD]   run a scheduled job now (as of a date)
  jobs                 list jobs with their last run, outcome and counts
  unknowns [--since 7d|2026-11-01] [--limit 20]
                       the texts cardholders sent that were not understood, most frequent first
  campaign create|update|list|show|audience|preview|test-send|approve|pause|resume|cancel|report …
                       marketing campaigns (npm run cli -- campaign for the details)`;

/** `npm run cli -- …`: operations commands against the configured (or embedded) database. */
async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === 'import') return importCommand(rest, () => boot());
  if (command === 'staff') return staffCommand(rest, () => boot());
  if (command === 'job' || command === 'jobs') return jobCommands(command, rest, () => boot());
  if (command === 'unknowns') return unknownsCommand(rest, () => boot());
  if (command === 'campaign') return campaignCommand(rest, () => boot());
  process.stderr.write(`${USAGE}\n`);
  return 2;
}

readDotEnv();
main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
