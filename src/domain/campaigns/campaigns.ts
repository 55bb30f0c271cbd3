import { sql } from 'kysely';
import { z } from 'zod';
import type { Campaign, CampaignStatus, Db, Staff } from '../../db/schema';
import { audit } from '../audit';
import { audienceSchema } from './audience';
import { messageProblem } from './message';
import { nextRun, scheduleSchema } from './schedule';

const messages = z
  .partialRecord(z.enum(['en', 'zh-CN', 'zh-HK']), z.string().trim().min(1).max(1000))
  .refine((m) => Object.keys(m).length > 0, 'a text in at least one language (en, zh-CN, zh-HK)')
  .superRefine((m, ctx) => {
    for (const [locale, text] of Object.entries(m)) {
      const p = text === undefined ? null : messageProblem(text);
      if (p) ctx.addIssue({ code: 'custom', path: [locale], message: p });
    }
  });

const fields = {
  name: z.string().trim().min(1).max(120),
  purpose: z.string().trim().min(1).max(500),
  messages,
  audience: audienceSchema,
  schedule: scheduleSchema,
  /** Texts per second this campaign is queued at. */
  ratePerSecond: z.number().int().min(1).max(10_000),
  /** Texts not sent this many minutes after the run starts expire. */
  validityMinutes: z
    .number()
    .int()
    .min(1)
    .max(7 * 24 * 60),
  /** The reply keyword it invites (`JOIN GALA27`): replies starting with it are counted. */
  promotedKeyword: z
    .string()
    .trim()
    .max(32)
    .transform((k) => k.toUpperCase().replace(/\s+/g, ' '))
    .pipe(z.string().regex(/^[A-Z0-9]+( [A-Z0-9]+)?$/, 'one or two words of letters and digits, e.g. JOIN GALA27'))
    .nullable(),
};

/** A new campaign as staff write it (the API body, the CLI file). */
export const campaignInput = z.strictObject({
  ...fields,
  audience: fields.audience.default({}),
  ratePerSecond: fields.ratePerSecond.default(50),
  validityMinutes: fields.validityMinutes.default(24 * 60),
  promotedKeyword: fields.promotedKeyword.default(null),
});

/** An edit: any fields, and optionally the version it was made against (a stale one is refused). */
export const campaignPatch = z.strictObject({ ...z.strictObject(fields).partial().shape, version: z.number().int().positive().optional() });

/** A validated new campaign. */
export type CampaignInput = z.output<typeof campaignInput>;
/** A validated edit. */
export type CampaignPatch = z.output<typeof campaignPatch>;

/** The outcome of a change to a campaign. */
export type CampaignChange = { kind: 'done'; campaign: Campaign } | { kind: 'unknown' } | { kind: 'conflict' | 'forbidden'; reason: string };

function columns(p: Partial<CampaignInput>) {
  return {
    ...(p.name !== undefined && { name: p.name }),
    ...(p.purpose !== undefined && { purpose: p.purpose }),
    ...(p.messages !== undefined && { messages: JSON.stringify(p.messages) }),
    ...(p.audience !== undefined && { audience: JSON.stringify(p.audience) }),
    ...(p.schedule !== undefined && { schedule: JSON.stringify(p.schedule), schedule_kind: p.schedule.kind, time_zone: p.schedule.timeZone }),
    ...(p.ratePerSecond !== undefined && { rate_per_second: p.ratePerSecond }),
    ...(p.validityMinutes !== undefined && { validity_minutes: p.validityMinutes }),
    ...(p.promotedKeyword !== undefined && { promoted_keyword: p.promotedKeyword }),
  };
}

/** Where a change to a campaign came from, for the audit trail. */
export type CampaignChannel = 'api' | 'console';

const staffAudit = (db: Db, staff: Staff, action: string, id: number, details: Record<string, unknown>, channel: CampaignChannel) =>
  audit(db, { actorType: 'staff', actorId: staff.id, channel, action, subject: `campaign:${id}`, details });

/** Creates a draft campaign authored by `staff`; audited. */
export async function createCampaign(db: Db, input: CampaignInput, staff: Staff, now: Date, channel: CampaignChannel = 'api'): Promise<Campaign> {
  const row = await db
    .insertInto('campaigns')
    .values({
      name: input.name,
      purpose: input.purpose,
      messages: JSON.stringify(input.messages),
      audience: JSON.stringify(input.audience),
      schedule: JSON.stringify(input.schedule),
      schedule_kind: input.schedule.kind,
      time_zone: input.schedule.timeZone,
      rate_per_second: input.ratePerSecond,
      validity_minutes: input.validityMinutes,
      promoted_keyword: input.promotedKeyword,
      created_by: staff.id,
      created_at: now,
      updated_at: now,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  await staffAudit(db, staff, 'campaign.create', row.id, { name: row.name }, channel);
  return row;
}

/** One campaign, locked for update when `lock`. */
export function getCampaign(db: Db, id: number, lock = false): Promise<Campaign | undefined> {
  const q = db.selectFrom('campaigns').selectAll().where('id', '=', id);
  return (lock ? q.forUpdate() : q).executeTakeFirst();
}

/** Campaigns, newest first, optionally of one status. */
export function listCampaigns(db: Db, q: { status?: CampaignStatus; limit: number }): Promise<Campaign[]> {
  let query = db.selectFrom('campaigns').selectAll().orderBy('id', 'desc').limit(q.limit);
  if (q.status) query = query.where('status', '=', q.status);
  return query.execute();
}

/**
 * Edits a draft or approved campaign; the version goes up and an approved one becomes a draft
 * again (maker-checker: any edit needs a new approval). Running, paused, cancelled and done
 * campaigns are not edited (409), nor one whose version moved on since the editor read it.
 */
export async function updateCampaign(
  db: Db,
  id: number,
  patch: CampaignPatch,
  staff: Staff,
  now: Date,
  channel: CampaignChannel = 'api',
): Promise<CampaignChange> {
  const c = await getCampaign(db, id, true);
  if (!c) return { kind: 'unknown' };
  if (c.status !== 'draft' && c.status !== 'approved') return { kind: 'conflict', reason: `Campaign is ${c.status}: it can no longer be edited` };
  if (patch.version !== undefined && patch.version !== c.version)
    return { kind: 'conflict', reason: `Campaign is at version ${c.version}, not ${patch.version}` };
  const { version: _v, ...changes } = patch;
  const row = await db
    .updateTable('campaigns')
    .set({ ...columns(changes), version: sql`version + 1`, status: 'draft', approved_by: null, approved_version: null, next_run_at: null, updated_at: now })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
  await staffAudit(db, staff, 'campaign.update', id, { fields: Object.keys(changes), version: row.version, approvalReset: c.status === 'approved' }, channel);
  return { kind: 'done', campaign: row };
}

/**
 * Approves a draft (maker-checker): never by its author; the approval holds for this version only;
 * the first run is set from the schedule (a `once` time already past is refused).
 */
export async function approveCampaign(db: Db, id: number, staff: Staff, now: Date, channel: CampaignChannel = 'api'): Promise<CampaignChange> {
  const c = await getCampaign(db, id, true);
  if (!c) return { kind: 'unknown' };
  if (c.created_by === staff.id) return { kind: 'forbidden', reason: 'A campaign is approved by someone other than its author' };
  if (c.status !== 'draft') return { kind: 'conflict', reason: `Campaign is ${c.status}: only a draft is approved` };
  const first = nextRun(scheduleSchema.parse(c.schedule), now);
  if (!first) return { kind: 'conflict', reason: 'The scheduled time has passed: edit the schedule' };
  const row = await db
    .updateTable('campaigns')
    .set({ status: 'approved', approved_by: staff.id, approved_version: c.version, next_run_at: first, updated_at: now })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
  await staffAudit(db, staff, 'campaign.approve', id, { version: c.version, firstRun: first.toISOString() }, channel);
  return { kind: 'done', campaign: row };
}

const MOVES: Record<'pause' | 'resume' | 'cancel', { from: CampaignStatus[] }> = {
  pause: { from: ['approved', 'running'] },
  resume: { from: ['paused'] },
  cancel: { from: ['draft', 'approved', 'running', 'paused'] },
};

/** Pauses, resumes or cancels a campaign (its status only; the queue follows in core/campaigns/control.ts); audited. */
export async function moveCampaign(
  db: Db,
  id: number,
  move: keyof typeof MOVES,
  staff: Staff,
  now: Date,
  channel: CampaignChannel = 'api',
): Promise<CampaignChange> {
  const c = await getCampaign(db, id, true);
  if (!c) return { kind: 'unknown' };
  if (!MOVES[move].from.includes(c.status)) return { kind: 'conflict', reason: `Campaign is ${c.status}: it cannot ${move}` };
  let status: CampaignStatus = move === 'pause' ? 'paused' : 'cancelled';
  if (move === 'resume') {
    const started = await db.selectFrom('campaign_runs').select('id').where('campaign_id', '=', id).limit(1).executeTakeFirst();
    status = started ? 'running' : 'approved';
  }
  const row = await db
    .updateTable('campaigns')
    .set({ status, updated_at: now, ...(move === 'cancel' && { next_run_at: null }) })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
  await staffAudit(db, staff, `campaign.${move}`, id, { from: c.status, to: status }, channel);
  return { kind: 'done', campaign: row };
}

/** A campaign as the API shows it. */
export function campaignView(c: Campaign) {
  return {
    id: c.id,
    name: c.name,
    purpose: c.purpose,
    messages: c.messages,
    audience: c.audience,
    schedule: c.schedule,
    ratePerSecond: c.rate_per_second,
    validityMinutes: c.validity_minutes,
    promotedKeyword: c.promoted_keyword,
    status: c.status,
    version: c.version,
    createdBy: c.created_by,
    approvedBy: c.approved_by,
    approvedVersion: c.approved_version,
    nextRunAt: c.next_run_at,
    createdAt: c.created_at,
    updatedAt: c.updated_at,
  };
}
