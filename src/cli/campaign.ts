import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { z } from 'zod';
import type { Booted } from '../boot';
import { controlCampaign } from '../core/campaigns/control';
import { previewCampaign, testSend } from '../core/campaigns/preview';
import { createMessaging } from '../core/messaging/notifier';
import type { Staff } from '../db/schema';
import { audienceSchema, countAudience } from '../domain/campaigns/audience';
import {
  approveCampaign,
  type CampaignChange,
  campaignInput,
  campaignPatch,
  campaignView,
  createCampaign,
  getCampaign,
  listCampaigns,
  updateCampaign,
} from '../domain/campaigns/campaigns';
import { campaignReport, reportCsv } from '../domain/campaigns/report';
import { formatPath } from '../shared/field-path';
import { JsonLineError, parseJsonWithLines } from '../shared/json-lines';

const USAGE = `usage: npm run cli -- campaign create <file.json> --by <staff id>
       npm run cli -- campaign update <id> <file.json> --by <staff id>     (any fields; an approved campaign needs approving again)
       npm run cli -- campaign list [--status draft|approved|running|paused|cancelled|done]
       npm run cli -- campaign show|audience|preview <id>
       npm run cli -- campaign test-send <id> --by <staff id>               (to the author's staff phone)
       npm run cli -- campaign approve|pause|resume|cancel <id> --by <staff id>
       npm run cli -- campaign report <id> [--csv]`;

const fail = (message: string, code = 2): number => {
  process.stderr.write(`${message}\n`);
  return code;
};

/** Reads a campaign file against a schema; problems come back as `file line N, field: message`. */
export function readCampaignFile<S extends z.ZodType>(file: string, text: string, schema: S): { data: z.output<S> } | { problems: string[] } {
  let doc;
  try {
    doc = parseJsonWithLines(text);
  } catch (err) {
    if (err instanceof JsonLineError) return { problems: [`${file} line ${err.line}: ${err.message.replace(/^line \d+: /, '')}`] };
    throw err;
  }
  const parsed = schema.safeParse(doc.value);
  if (parsed.success) return { data: parsed.data };
  return { problems: parsed.error.issues.map((i) => `${file} line ${doc.lineOf(i.path)}, ${formatPath(i.path) || '(document)'}: ${i.message}`) };
}

/** `campaign …`: marketing campaigns from the command line, as the staff API offers them; `--by` names the staff member acting. */
export async function campaignCommand(args: string[], boot: () => Promise<Booted>): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args, allowPositionals: true, options: { by: { type: 'string' }, status: { type: 'string' }, csv: { type: 'boolean' } } });
  } catch (err) {
    return fail(`${(err as Error).message}\n${USAGE}`);
  }
  const [sub, ...pos] = parsed.positionals;
  const { by, status, csv } = parsed.values;
  const needsBy = ['create', 'update', 'test-send', 'approve', 'pause', 'resume', 'cancel'].includes(sub ?? '');
  if (needsBy && !by) return fail(`--by: the staff id of who does this is required\n${USAGE}`);
  const idArg = sub === 'create' || sub === 'list' ? null : pos[0];
  const id = idArg === null ? null : Number(idArg);
  if (idArg !== null && !(Number.isInteger(id) && id! > 0)) return fail(`campaign id: expected a positive number, got ${idArg ?? '(none)'}\n${USAGE}`);
  const fileArg = sub === 'create' ? pos[0] : sub === 'update' ? pos[1] : undefined;
  let file: { data: unknown } | undefined;
  if (sub === 'create' || sub === 'update') {
    if (!fileArg) return fail(`a campaign file is required\n${USAGE}`);
    let text;
    try {
      text = readFileSync(fileArg, 'utf8');
    } catch (err) {
      return fail(`${fileArg}: ${(err as Error).message}`);
    }
    const read = readCampaignFile(fileArg, text, sub === 'create' ? campaignInput : campaignPatch);
    if ('problems' in read) return fail(read.problems.join('\n'));
    file = read;
  }
  if (!['create', 'update', 'list', 'show', 'audience', 'preview', 'test-send', 'approve', 'pause', 'resume', 'cancel', 'report'].includes(sub ?? ''))
    return fail(USAGE);

  const booted = await boot();
  try {
    const { db, config } = booted;
    const now = new Date();
    const out = (v: unknown) => process.stdout.write(`${JSON.stringify(v, null, 2)}\n`);
    let staff: Staff | undefined;
    if (needsBy) {
      staff = await db.selectFrom('staff').selectAll().where('external_id', '=', by!).where('active', '=', true).executeTakeFirst();
      if (!staff || (staff.role !== 'marketing' && staff.role !== 'supervisor')) return fail(`--by: ${by} is no active marketing or supervisor staff member`);
    }
    const change = (c: CampaignChange) => {
      if (c.kind === 'done') return (out(campaignView(c.campaign)), 0);
      return fail(c.kind === 'unknown' ? `no campaign ${id}` : c.reason, 1);
    };
    if (sub === 'create') return (out(campaignView(await db.transaction().execute((trx) => createCampaign(trx, file!.data as never, staff!, now)))), 0);
    if (sub === 'update') return change(await db.transaction().execute((trx) => updateCampaign(trx, id!, file!.data as never, staff!, now)));
    if (sub === 'approve') return change(await db.transaction().execute((trx) => approveCampaign(trx, id!, staff!, now)));
    if (sub === 'pause' || sub === 'resume' || sub === 'cancel')
      return change(await db.transaction().execute((trx) => controlCampaign(trx, id!, sub, staff!, now)));
    if (sub === 'list') {
      const statuses = ['draft', 'approved', 'running', 'paused', 'cancelled', 'done'] as const;
      if (status && !statuses.includes(status as never)) return fail(`--status: one of ${statuses.join(', ')}`);
      for (const c of await listCampaigns(db, { status: status as (typeof statuses)[number] | undefined, limit: 500 }))
        process.stdout.write(
          `${String(c.id).padStart(5)}  ${c.status.padEnd(9)}  v${c.version}  ${c.next_run_at?.toISOString() ?? '-'.padEnd(24)}  ${c.name}\n`,
        );
      return 0;
    }
    const c = await getCampaign(db, id!);
    if (!c) return fail(`no campaign ${id}`, 1);
    const { notifier } = createMessaging(config);
    if (sub === 'show') out(campaignView(c));
    if (sub === 'audience') out(await countAudience(db, audienceSchema.parse(c.audience), c.time_zone, now, config.marketingWeeklyCap));
    if (sub === 'preview') out(await previewCampaign(db, notifier, c, now, config.marketingWeeklyCap));
    if (sub === 'test-send') {
      const sent = await testSend(db, notifier, c, staff!, now, config.marketingWeeklyCap);
      if (!sent) return fail("the campaign's author has no staff phone registered", 1);
      out(sent);
    }
    if (sub === 'report') {
      const report = await campaignReport(db, c.id);
      if (csv) process.stdout.write(reportCsv(report));
      else out(report);
    }
    return 0;
  } finally {
    await booted.close();
  }
}
