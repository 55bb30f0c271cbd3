import { boot } from '../boot';
import { readDotEnv } from '../config';
import { importCommand } from './import';
import { jobCommands } from './jobs';
import { staffCommand } from './staff';

const USAGE = `usage: npm run cli -- <command>
  import <file.json | file.ndjson> [--check] [--all-or-nothing | --batches] [--snapshot] [--as-of <moment>]
                       load customers, cards, statements, transactions (and events, staff from a .json document)
  staff add --id X --name N --role agent|marketing|supervisor|admin [--mobile M] [--locale L]
                       create a staff account; prints its API token once
  job <name> [--date YYYY-MM-DD]   run a scheduled job now (as of a date)
  jobs                 list jobs with their last run, outcome and counts`;

/** `npm run cli -- …`: operations commands against the configured (or embedded) database. */
async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === 'import') return importCommand(rest, () => boot());
  if (command === 'staff') return staffCommand(rest, () => boot());
  if (command === 'job' || command === 'jobs') return jobCommands(command, rest, () => boot());
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
