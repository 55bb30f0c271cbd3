import { type Response, Router } from 'express';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { Campaign, Database } from '../db/schema';
import { audit } from '../domain/audit';
import { countAudience, audienceSchema } from '../domain/campaigns/audience';
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
import { controlCampaign } from '../core/campaigns/control';
import { NO_AUTHOR_PHONE, previewCampaign, testSend, testSendRefusal } from '../core/campaigns/preview';
import type { Notifier } from '../core/messaging/notifier';
import type { Clock } from '../shared/clock';
import { invalid, problem } from '../shared/problem';
import { type StaffAuth, staffOf } from './auth';

/** What the campaigns API needs. */
export interface CampaignsDeps {
  db: Kysely<Database>;
  notifier: Notifier;
  clock: Clock;
  /** Wakes the dispatcher (a resumed campaign, a test send). */
  kick: () => void;
  weeklyCap: number;
}

/** Who works on campaigns (the console's Campaigns page too). */
export const CAMPAIGN_ROLES = ['marketing', 'supervisor'] as const;

const idParam = z.coerce.number().int().positive().max(2_147_483_647);

/**
 * `/api/campaigns` for marketing staff and supervisors: create, edit, read, list; the audience
 * (count, exclusions by reason, a sample), preview and cost, a test send to the author's phone;
 * approval by someone other than the author; pause, resume, cancel; the report (JSON or CSV).
 * Every change is audited, and so are reads of the audience (customer data).
 */
export function campaignsRouter(deps: CampaignsDeps, auth: StaffAuth): Router {
  const { db, clock } = deps;
  const r = Router();
  const staff = auth(CAMPAIGN_ROLES);

  /** Loads the campaign of `:id` or answers 404. */
  const load = async (id: unknown, res: Response): Promise<Campaign | null> => {
    const parsed = idParam.safeParse(id);
    const c = parsed.success ? await getCampaign(db, parsed.data) : undefined;
    if (!c) problem(res, 404, 'No such campaign');
    return c ?? null;
  };
  const answer = (res: Response, change: CampaignChange) => {
    if (change.kind === 'done') return void res.json(campaignView(change.campaign));
    if (change.kind === 'unknown') return problem(res, 404, 'No such campaign');
    problem(res, change.kind === 'forbidden' ? 403 : 409, change.reason);
  };

  r.post('/api/campaigns', staff, async (req, res) => {
    const body = campaignInput.safeParse(req.body ?? {});
    if (!body.success) return invalid(res, body.error);
    const c = await db.transaction().execute((trx) => createCampaign(trx, body.data, staffOf(res), clock()));
    res.status(201).json(campaignView(c));
  });

  r.get('/api/campaigns', staff, async (req, res) => {
    const q = z
      .strictObject({
        status: z.enum(['draft', 'approved', 'running', 'paused', 'cancelled', 'done']).optional(),
        limit: z.coerce.number().int().min(1).max(500).default(50),
      })
      .safeParse(req.query);
    if (!q.success) return invalid(res, q.error);
    res.json({ campaigns: (await listCampaigns(db, q.data)).map(campaignView) });
  });

  r.get('/api/campaigns/:id', staff, async (req, res) => {
    const c = await load(req.params.id, res);
    if (c) res.json(campaignView(c));
  });

  r.patch('/api/campaigns/:id', staff, async (req, res) => {
    const c = await load(req.params.id, res);
    if (!c) return;
    const body = campaignPatch.safeParse(req.body ?? {});
    if (!body.success) return invalid(res, body.error);
    answer(res, await db.transaction().execute((trx) => updateCampaign(trx, c.id, body.data, staffOf(res), clock())));
  });

  r.get('/api/campaigns/:id/audience', staff, async (req, res) => {
    const c = await load(req.params.id, res);
    if (!c) return;
    const counted = await countAudience(db, audienceSchema.parse(c.audience), c.time_zone, clock(), deps.weeklyCap);
    await audit(db, {
      actorType: 'staff',
      actorId: staffOf(res).id,
      channel: 'api',
      action: 'campaign.audience.read',
      subject: `campaign:${c.id}`,
      details: { count: counted.count },
    });
    res.json(counted);
  });

  r.get('/api/campaigns/:id/preview', staff, async (req, res) => {
    const c = await load(req.params.id, res);
    if (c) res.json(await previewCampaign(db, deps.notifier, c, clock(), deps.weeklyCap));
  });

  r.post('/api/campaigns/:id/test-send', staff, async (req, res) => {
    const c = await load(req.params.id, res);
    if (!c) return;
    const refusal = testSendRefusal(c);
    if (refusal) return problem(res, 409, refusal);
    const sent = await testSend(db, deps.notifier, c, staffOf(res), clock(), deps.weeklyCap);
    if (!sent) return problem(res, 409, NO_AUTHOR_PHONE);
    deps.kick();
    res.status(202).json({ sent: sent.map((l) => ({ language: l.language, text: l.text, segments: l.segments })) });
  });

  r.post('/api/campaigns/:id/approve', staff, async (req, res) => {
    const c = await load(req.params.id, res);
    if (c) answer(res, await db.transaction().execute((trx) => approveCampaign(trx, c.id, staffOf(res), clock())));
  });

  for (const move of ['pause', 'resume', 'cancel'] as const)
    r.post(`/api/campaigns/:id/${move}`, staff, async (req, res) => {
      const c = await load(req.params.id, res);
      if (!c) return;
      const change = await db.transaction().execute((trx) => controlCampaign(trx, c.id, move, staffOf(res), clock()));
      if (move === 'resume') deps.kick();
      answer(res, change);
    });

  r.get('/api/campaigns/:id/report', staff, async (req, res) => {
    const c = await load(req.params.id, res);
    if (!c) return;
    const q = z.strictObject({ format: z.enum(['json', 'csv']).default('json') }).safeParse(req.query);
    if (!q.success) return invalid(res, q.error);
    const report = await campaignReport(db, c.id);
    if (q.data.format === 'json') return void res.json(report);
    res.type('text/csv').set('Content-Disposition', `attachment; filename="campaign-${c.id}.csv"`).send(reportCsv(report));
  });
  return r;
}
