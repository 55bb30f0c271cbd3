import { type Request, type Response, Router } from 'express';
import type { Kysely } from 'kysely';
import type { Command } from '../core/commands/command';
import { infoKeywordSchema } from '../core/info/keywords';
import { deleteStaffKeyword, saveStaffKeyword } from '../core/info/save';
import { normalizeCommandText } from '../core/inbound/normalize';
import type { Database } from '../db/schema';
import { listInfoKeywords } from '../domain/info-keywords';
import type { Clock } from '../shared/clock';
import { invalid, problem } from '../shared/problem';
import { type StaffAuth, staffOf } from './auth';

/** Who edits staff keywords (the console's Keywords page too). */
export const EDITORS = ['marketing', 'supervisor', 'admin'] as const;

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
    const saved = await saveStaffKeyword(db, commands, body.data, staffOf(res), clock(), 'api');
    if ('refused' in saved) return problem(res, 409, saved.refused.title, { keyword: saved.refused.keyword, reason: saved.refused.reason });
    res.status(status).json(saved.row);
  };
  r.post('/api/keywords', auth(EDITORS), save(201));
  r.put('/api/keywords/:keyword', auth(EDITORS), save(200));

  r.delete('/api/keywords/:keyword', auth(EDITORS), async (req, res) => {
    const keyword = normalizeCommandText(String(req.params.keyword)).slice(0, 20);
    if (!(await deleteStaffKeyword(db, keyword, staffOf(res), 'api'))) return problem(res, 404, 'No such keyword');
    res.status(204).end();
  });
  return r;
}
