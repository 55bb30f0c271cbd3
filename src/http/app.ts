import express, { type ErrorRequestHandler, type Router } from 'express';
import helmet from 'helmet';
import type { Kysely } from 'kysely';
import type { AppConfig } from '../config';
import type { Clock } from '../shared/clock';
import type { Notifier } from '../core/messaging/notifier';
import type { InboundPipeline } from '../core/inbound/pipeline';
import { isDatabaseUnavailable } from '../db/errors';
import { webhookRejected } from '../shared/metrics';
import type { Database } from '../db/schema';
import type { Logger } from '../shared/log';
import { apiRouter } from './api';
import { staffAuth } from './auth';
import { infoKeywordsRouter } from './info-keywords';
import { commands } from '../core/commands/index';
import { devRouter } from './dev';
import { healthRouter, type TransportState } from './health';
import { problem } from '../shared/problem';
import { transactionsRouter } from './transactions';
import { changesRouter } from './changes';
import { consoleRouter } from './console/index';
import { cardRequestsRouter } from './card-requests';
import { campaignsRouter } from './campaigns';

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
  /** The operator transports and whether each is up, for /readyz. */
  transports: () => TransportState[];
  /** True once a graceful stop has begun: requests on connections still open get 503 and are closed. */
  stopping: () => boolean;
}

/**
 * The express app: health, metrics, Twilio webhooks, the card system (transactions, account
 * changes), the staff API, the dev channel, the staff console (`/console`). helmet's headers and `Cache-Control: no-store` on every
 * answer; X-Forwarded-For believed only from TRUSTED_PROXIES (else the logged address is the peer's).
 */
export function createApp(deps: AppDeps): express.Express {
  const { config } = deps;
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', config.trustedProxies.length > 0 ? [...config.trustedProxies] : false);
  app.use(helmet());
  app.use((_req, res, next) => {
    res.set('Cache-Control', 'no-store');
    if (!deps.stopping()) return next();
    // A keep-alive connection would carry new requests for ever: refuse them and close it, so the
    // caller (Twilio retries a 503) goes to another instance or comes back after the restart.
    res.set('Connection', 'close').set('Retry-After', '5');
    problem(res, 503, 'Service unavailable: stopping; try again');
  });
  // Before the body parsers: it reads its own, larger body (after the token is checked).
  app.use(changesRouter(deps.db, deps.config, deps.log));
  app.use(cardRequestsRouter(deps.db, deps.notifier, config, deps.clock, deps.kick, deps.log));
  app.use(express.json({ limit: '256kb' }));
  app.use(express.urlencoded({ extended: false, limit: '256kb' }));
  app.use(healthRouter(deps.db, deps.transports, { token: config.metricsToken, production: config.env === 'production' }));
  for (const webhooks of deps.webhooks) app.use(webhooks);
  app.use(transactionsRouter(deps.db, deps.notifier, config, deps.clock, deps.kick, deps.log));
  const auth = staffAuth({ db: deps.db, log: deps.log, clock: deps.clock, tokenDays: config.staffTokenDays });
  app.use(apiRouter(deps.db, deps.notifier, deps.clock, deps.kick, auth));
  app.use(infoKeywordsRouter(deps.db, commands, deps.clock, auth));
  app.use(campaignsRouter({ db: deps.db, notifier: deps.notifier, clock: deps.clock, kick: deps.kick, weeklyCap: config.marketingWeeklyCap }, auth));
  // Never in production, whatever DEV_CHANNEL says (npm start refuses it there; this holds for any other caller).
  if (config.devChannel && config.env !== 'production') app.use(devRouter(deps.db, deps.pipeline, deps.kick));
  app.use(consoleRouter({ ...deps, transports: deps.transports }));
  app.use((_req, res) => problem(res, 404, 'Not found'));
  const onError: ErrorRequestHandler = (err, req, res, _next) => {
    if (err?.type === 'entity.parse.failed') return problem(res, 400, 'Body is not valid JSON');
    if (err?.type === 'entity.too.large') return problem(res, 413, 'Body too large');
    if (isDatabaseUnavailable(err)) {
      // Nothing was accepted: the caller tries again (Twilio retries a 5xx webhook).
      deps.log.warn({ error: (err as Error).message, path: req.path }, 'database unavailable: request refused with 503');
      res.set('Retry-After', '5');
      if (req.path.startsWith('/webhooks/')) webhookRejected.inc({ reason: 'unavailable' });
      return problem(res, 503, 'Service unavailable: the database cannot be reached; try again');
    }
    // PostgreSQL data exceptions (class 22: a value out of range, too long): the request's fault, never a 500.
    if (typeof err?.code === 'string' && err.code.startsWith('22')) {
      deps.log.warn({ err }, 'request refused by the database');
      return problem(res, 400, 'Invalid request: a value is out of range');
    }
    deps.log.error({ err }, 'request failed');
    problem(res, 500, 'Internal error');
  };
  app.use(onError);
  return app;
}
