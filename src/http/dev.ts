import { randomUUID } from 'node:crypto';
import { Router } from 'express';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { InboundPipeline } from '../core/inbound/pipeline';
import type { Database } from '../db/schema';
import { invalid } from '../shared/problem';

const devSmsBody = z.strictObject({
  from: z.string().min(1).max(32),
  text: z.string().max(10_000),
  to: z.string().min(1).max(32).default('UPLINK'),
  id: z.string().min(1).max(64).optional(),
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** One text for the dev channel: who sends it, what, to which number, with an optional provider id. */
export type DevText = z.infer<typeof devSmsBody>;

/**
 * Takes one text in through the dev channel's door (`ingest`), waits for its handling, then for its
 * replies to leave the outbox (at most `waitMs`); returns them as the phone would see them.
 */
export async function textAndWait(db: Kysely<Database>, pipeline: InboundPipeline, kick: () => void, sms: DevText, waitMs = 5000) {
  const { from, text, to, id } = sms;
  const accepted = await pipeline.ingest({ channel: 'dev', providerId: id ?? randomUUID(), from, to, text });
  await accepted.handled;
  kick();
  const deadline = Date.now() + waitMs;
  let replies;
  for (;;) {
    replies = await db
      .selectFrom('outbound_messages')
      .select(['id', 'to_number as to', 'body', 'status', 'class', 'template'])
      .where('inbound_id', '=', accepted.id)
      .orderBy('id')
      .execute();
    if (replies.every((r) => r.status !== 'queued' && r.status !== 'sending') || Date.now() > deadline) break;
    await sleep(25);
  }
  return { inboundId: accepted.id, duplicate: accepted.duplicate, replies };
}

/**
 * `POST /dev/sms` (outside production): one text in through the dev channel; answers with the
 * replies once the dispatcher has sent them, as the phone would see them.
 */
export function devRouter(db: Kysely<Database>, pipeline: InboundPipeline, kick: () => void, waitMs = 5000): Router {
  const router = Router();
  router.post('/dev/sms', async (req, res) => {
    const body = devSmsBody.safeParse(req.body ?? {});
    if (!body.success) return invalid(res, body.error);
    res.json(await textAndWait(db, pipeline, kick, body.data, waitMs));
  });
  return router;
}
