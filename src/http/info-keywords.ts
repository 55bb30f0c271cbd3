import { type Request, type Response, Router } from 'express';
import type { Kysely } from 'kysely';
import type { Command } from '../core/commands/command';
import { infoKeywordSchema, shadowReason } from '../core/info/keywords';
import { normalizeCommandText } from '../core/inbound/normalize';
import type { Database } from '../db/schema';
import { audit } from '../domain/audit';
import { deleteInfoKeyword, infoKeywordClaiming, listInfoKeywords, saveInfoKeyword } from '../domain/info-keywords';
import type { Clock } from '../shared/clock';
import { invalid, problem } from '../shared/problem';
import { type StaffAuth, staffOf } from './auth';

const EDITORS = ['marketing', 'supervisor', 'admin'] as const;

/**
 * `/api/keywords`: staff-defined information keywords (hotline, branches, offers), live at once.
 * A keyword or alias that would shadow a built-in or carrier keyword, or another staff keyword, is
 * refused (409) with the reason.
 */
export function infoKeywordsRouter(db: Kysely<Database>, commands: readonly Command[], clock: Clock, auth: StaffAuth): Router {
  const r = Router();
  r.get('/api/keywords', auth(['agent', ...EDITORS]), async (_req, res) => {
    res.json({ keywords: await listInfoKeywords(db) });
  });

  const save = (status: number) => async (req: Request, res: Response) => {
    const body = infoKeywordSchema.safeParse(req.params.keyword ? { ...(req.body ?? {}), keyword: req.params.keyword } : (req.body ?? {}));
    if (!body.success) return invalid(res, body.error);
    const k = body.data;
    const words = [k.keyword, ...k.aliases];
    for (const w of words) {
      const reason = shadowReason(commands, w);
      if (reason) return problem(res, 409, 'Keyword would shadow a built-in keyword', { keyword: w, reason });
    }
    const staff = staffOf(res);
    const saved = await db.transaction().execute(async (trx) => {
      const other = await infoKeywordClaiming(trx, words, k.keyword);
      if (other) return { clash: other.keyword };
      const row = await saveInfoKeyword(trx, k, staff.id, clock());
      await audit(trx, {
        actorType: 'staff',
        actorId: staff.id,
        channel: 'api',
        action: 'keyword.saved',
        subject: `keyword:${k.keyword}`,
        details: { aliases: k.aliases },
      });
      return { row };
    });
    if ('clash' in saved)
      return problem(res, 409, 'Keyword already used by another staff keyword', {
        keyword: saved.clash,
        reason: `already a word of staff keyword ${saved.clash}`,
      });
    res.status(status).json(saved.row);
  };
  r.post('/api/keywords', auth(EDITORS), save(201));
  r.put('/api/keywords/:keyword', auth(EDITORS), save(200));

  r.delete('/api/keywords/:keyword', auth(EDITORS), async (req, res) => {
    const keyword = normalizeCommandText(String(req.params.keyword)).slice(0, 20);
    const gone = await deleteInfoKeyword(db, keyword);
    if (!gone) return problem(res, 404, 'No such keyword');
    await audit(db, { actorType: 'staff', actorId: staffOf(res).id, channel: 'api', action: 'keyword.deleted', subject: `keyword:${keyword}` });
    res.status(204).end();
  });
  return r;
}
