import express, { type ErrorRequestHandler, type Router } from 'express';
import type { Kysely } from 'kysely';
import type { AppConfig } from '../config';
import type { Clock } from '../shared/clock';
import type { Notifier } from '../core/messaging/notifier';
import type { InboundPipeline } from '../core/inbound/pipeline';
import type { Database } from '../db/schema';
import type { Logger } from '../shared/log';
import { apiRouter } from './api';
import { devRouter } from './dev';
import { healthRouter } from './health';
import { problem } from '../shared/problem';
import { transactionsRouter } from './transactions';
import { changesRouter } from './changes';

/** What the HTTP layer serves from. */
export interface AppDeps {
  config: AppConfig;
  db: Kysely<Database>;
  pipeline: InboundPipeline;
  kick: () => void;
  log: Logger;
  notifier: Notifier;
  clock: Clock;
  /** The providers' webhooks (Twilio's inbound texts and status callbacks). */
  webhooks: Router[];
}

/** The express app: health, metrics, Twilio webhooks, the card system (transactions, account changes), the staff API, the dev channel. */
export function createApp(deps: AppDeps): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', true);
  // Before the body parsers: it reads its own, larger body (after the token is checked).
  app.use(changesRouter(deps.db, deps.config));
  app.use(express.json({ limit: '256kb' }));
  app.use(express.urlencoded({ extended: false, limit: '256kb' }));
  app.use(healthRouter(deps.db));
  for (const webhooks of deps.webhooks) app.use(webhooks);
  app.use(transactionsRouter(deps.db, deps.notifier, deps.config, deps.clock, deps.kick));
  app.use(apiRouter(deps.db, deps.notifier, deps.clock, deps.kick));
  if (deps.config.devChannel) app.use(devRouter(deps.db, deps.pipeline, deps.kick));
  app.use((_req, res) => problem(res, 404, 'Not found'));
  const onError: ErrorRequestHandler = (err, _req, res, _next) => {
    if (err?.type === 'entity.parse.failed') return problem(res, 400, 'Body is not valid JSON');
    if (err?.type === 'entity.too.large') return problem(res, 413, 'Body too large');
    deps.log.error({ err }, 'request failed');
    problem(res, 500, 'Internal error');
  };
  app.use(onError);
  return app;
}
