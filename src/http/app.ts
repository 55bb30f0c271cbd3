import express, { type ErrorRequestHandler } from 'express';
import type { Kysely } from 'kysely';
import type { AppConfig } from '../config';
import type { Clock } from '../core/clock';
import type { Notifier } from '../core/notifier';
import type { InboundPipeline } from '../core/pipeline';
import type { Database } from '../db/schema';
import type { Logger } from '../log';
import { apiRouter } from './api';
import { devRouter } from './dev';
import { healthRouter } from './health';
import { problem } from './problem';
import { transactionsRouter } from './transactions';
import { twilioRouter } from './twilio';
import type { DeliveryReport, TransportSink } from '../transport/types';

/** What the HTTP layer serves from. */
export interface AppDeps {
  config: AppConfig;
  db: Kysely<Database>;
  pipeline: InboundPipeline;
  kick: () => void;
  log: Logger;
  notifier: Notifier;
  clock: Clock;
  /** Applies a delivery report (receipt, status callback). */
  report: (r: DeliveryReport) => Promise<string>;
  /** Records a received text (then it is processed); resolves once committed. */
  inbound: TransportSink['inbound'];
}

/** The express app: health, metrics, Twilio webhooks, the card system, the staff API, the dev channel. */
export function createApp(deps: AppDeps): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', true);
  app.use(express.json({ limit: '256kb' }));
  app.use(express.urlencoded({ extended: false, limit: '256kb' }));
  app.use(healthRouter(deps.db));
  const tw = deps.config.twilio;
  if (tw && deps.config.publicBaseUrl) {
    app.use(twilioRouter({ authToken: tw.authToken, publicBaseUrl: deps.config.publicBaseUrl, inbound: deps.inbound, report: deps.report, log: deps.log }));
  }
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
