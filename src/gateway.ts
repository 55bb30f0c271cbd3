import type { Server } from 'node:http';
import type { Kysely } from 'kysely';
import type { AppConfig } from './config';
import { type Clock, systemClock } from './shared/clock';
import { commands } from './core/commands/index';
import { Dispatcher } from './core/outbox/dispatcher';
import { CardRequestWorker } from './core/confirm/worker';
import type { DispatcherOptions } from './core/outbox/options';
import { createMessaging, type Notifier } from './core/messaging/notifier';
import type { Outbox } from './core/outbox/outbox';
import { RouteTable } from './core/outbox/routes';
import { InboundPipeline } from './core/inbound/pipeline';
import type { Templates } from './core/messaging/templates';
import type { Database } from './db/schema';
import { createApp } from './http/app';
import { jobDefinitions } from './scheduler/jobs';
import { Scheduler } from './scheduler/scheduler';
import { createLogger, type Logger } from './shared/log';
import { DevTransport } from './transport/dev/dev.transport';
import { SmppTransport } from './transport/smpp/smpp.transport';
import { TwilioTransport } from './transport/twilio/twilio.transport';
import type { SmsTransport, TransportSink } from './transport/types';
import { PartSets } from './core/inbound/reassembly';
import { capInboundPart } from './core/inbound/normalize';
import { recordReports } from './core/outbox/receipts';
import { Batcher } from './core/batcher';
import type { DeliveryReport, ReportOutcome } from './transport/types';
import { DatabaseWatch } from './core/outage';

/** What a gateway is built from; tests pass their own database, clock and transports. */
export interface GatewayOptions {
  config: AppConfig;
  db: Kysely<Database>;
  clock?: Clock;
  log?: Logger;
  transports?: SmsTransport[];
  dispatcher?: Partial<DispatcherOptions>;
}

/** One running Uplink: pipeline, dispatcher, transports and the HTTP app, wired together. */
export class Gateway {
  readonly config: AppConfig;
  readonly db: Kysely<Database>;
  readonly log: Logger;
  readonly templates: Templates;
  readonly dev: DevTransport;
  readonly transports: Map<string, SmsTransport>;
  readonly pipeline: InboundPipeline;
  /** Parts of long texts until their set is complete. */
  readonly parts: PartSets;
  readonly dispatcher: Dispatcher;
  /** Sends confirmed account actions to the card system (or applies them locally) and texts the outcome. */
  readonly cardRequests: CardRequestWorker;
  readonly routes: RouteTable;
  readonly outbox: Outbox;
  readonly notifier: Notifier;
  readonly app: ReturnType<typeof createApp>;
  readonly scheduler: Scheduler;
  /** Where operator transports hand received texts, parts and receipts. */
  readonly sink: TransportSink;
  private server: Server | null = null;
  private recovery: NodeJS.Timeout | null = null;
  private sweeping = false;
  private stopping = false;
  private readonly sweepWatch: DatabaseWatch;
  // Receipts and status callbacks that arrive together are recorded and applied together (at most
  // 200 a batch, two batches at once); each caller still waits for its own to commit.
  private readonly reports = new Batcher<DeliveryReport, ReportOutcome>((rs) => recordReports(this.db, rs), { max: 200, concurrency: 2 });

  constructor(opts: GatewayOptions) {
    const clock = opts.clock ?? systemClock;

    this.config = opts.config;
    this.db = opts.db;
    this.log = opts.log ?? createLogger(opts.config.logLevel, { env: opts.config.env });
    const messaging = createMessaging(this.config);
    this.templates = messaging.templates;
    this.sweepWatch = new DatabaseWatch(this.log, 'inbound recovery');
    // Numbers and bodies: logged at debug level outside production only (see createLogger).
    this.dev = new DevTransport((d) => this.log.debug({ to: d.to, providerId: d.providerId, body: d.body }, 'dev channel sent'));
    this.transports = new Map<string, SmsTransport>([['dev', this.dev]]);
    const operators = [...(opts.transports ?? [])];
    const sm = this.config.smpp;
    if (sm && !operators.some((t) => t.name === 'smpp')) {
      const url = new URL(sm.url);
      const tls = sm.tls ? { ca: sm.tlsCa } : undefined; // smpps://: TLS, the certificate checked
      operators.push(new SmppTransport({ ...sm, host: url.hostname, port: Number(url.port || 2775), tls, log: this.log.child({ transport: 'smpp' }) }));
    }
    const tw = this.config.twilio;
    if (tw && !operators.some((t) => t.name === 'twilio')) {
      operators.push(new TwilioTransport({ ...tw, publicBaseUrl: this.config.publicBaseUrl!, log: this.log.child({ transport: 'twilio' }) }));
    }
    for (const t of operators) this.transports.set(t.name, t);
    const defaultChannel = operators[0]?.name ?? 'dev';
    this.routes = new RouteTable(this.config.routes ?? [{ via: [defaultChannel] }], [...this.transports.keys()]);
    this.outbox = messaging.outbox;
    this.notifier = messaging.notifier;
    this.dispatcher = new Dispatcher(this.db, this.transports, this.routes, clock, this.log, {
      quietHours: this.config.quietHours,
      marketingWeeklyCap: this.config.marketingWeeklyCap,
      destinationMaxPerMinute: this.config.destinationMaxPerMinute,
      maxAttempts: this.config.outboxMaxAttempts,
      limits: this.config.transportLimits,
      ...opts.dispatcher,
    });
    this.pipeline = new InboundPipeline({
      db: this.db,
      config: this.config,
      notifier: this.notifier,
      outbox: this.outbox,
      commands,
      clock,
      log: this.log,
      onQueued: () => this.dispatcher.kick('urgent'), // replies are never marketing
      handOff: this.dispatcher,
      onInteractive: () => this.dispatcher.yieldToInteractive(),
    });
    this.cardRequests = new CardRequestWorker(this.db, this.notifier, this.config, clock, this.log, () => this.dispatcher.kick());
    this.parts = new PartSets(this.db, this.pipeline, clock, this.config.cardHashSecret ?? '');
    this.sink = {
      inbound: async (sms) => {
        await this.pipeline.ingest(sms);
      },
      inboundPart: async (part) => {
        const capped = capInboundPart(part);
        if (capped) await this.parts.store(capped);
      },
      report: (r) => this.reports.push(r),
    };
    this.scheduler = new Scheduler(
      { db: this.db, notifier: this.notifier, config: this.config },
      jobDefinitions(this.config.defaultTimeZone),
      clock,
      this.log,
      () => this.dispatcher.kick(),
      this.config.schedulerBackfillMs,
    );
    this.app = createApp({
      config: this.config,
      db: this.db,
      pipeline: this.pipeline,
      kick: () => this.dispatcher.kick(),
      log: this.log,
      notifier: this.notifier,
      clock,
      webhooks: [...this.transports.values()].flatMap((t) => (t.webhooks ? [t.webhooks()] : [])),
      transports: () => operators.map((t) => ({ name: t.name, up: t.isUp?.() })),
      stopping: () => this.stopping,
    });
  }

  /** Starts the dispatcher, the recovery sweep and, when `port` is given, the HTTP server. */
  async start(port?: number): Promise<number | undefined> {
    for (const t of this.transports.values()) await t.start?.(this.sink);
    this.dispatcher.start();
    this.cardRequests.start();
    if (this.config.scheduler) this.scheduler.start();
    await this.pipeline.recoverPending(0);
    this.recovery = setInterval(() => void this.sweep(), 5_000);
    this.recovery.unref();
    if (port === undefined) return undefined;
    const server = this.app.listen(port);
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('listening', () => resolve());
      server.once('error', reject);
    });
    const address = server.address();
    return typeof address === 'object' && address ? address.port : port;
  }

  /**
   * Handles texts recorded but not handled (a crash, or a database outage, between recording and
   * handling; those younger than 10 s may still be in a worker's hands), and takes in long texts
   * whose parts stopped coming. One sweep at a time; an outage is logged once.
   */
  private async sweep(): Promise<void> {
    if (this.sweeping) return;
    this.sweeping = true;
    try {
      await this.pipeline.recoverPending(10_000);
      await this.parts.flushStale(5 * 60_000);
      this.sweepWatch.ok();
    } catch (err) {
      if (this.sweepWatch.failed(err) === null) this.log.error({ err }, 'inbound recovery failed');
    } finally {
      this.sweeping = false;
    }
  }

  /** Stops taking requests, settles the batch in hand and stops transports. */
  async stop(): Promise<void> {
    if (this.recovery) clearInterval(this.recovery);
    this.stopping = true;
    // Take nothing new: no new HTTP connection (webhooks), no deliver_sm (answered "try again").
    const server = this.server;
    const closed = server ? new Promise<void>((resolve) => server.close(() => resolve())) : Promise.resolve();
    const idle = setInterval(() => server?.closeIdleConnections(), 100);
    server?.closeIdleConnections();
    for (const t of this.transports.values()) t.stopReceiving?.();
    // Finish what is in hand: requests under way, texts recorded and being handled, their replies.
    await closed;
    clearInterval(idle);
    await this.pipeline.drain();
    await this.scheduler.stop();
    await this.cardRequests.stop();
    await this.dispatcher.stop(); // sends in hand settle; replies not yet handed over go back to the queue
    for (const t of this.transports.values()) await t.stop?.(); // SMPP: the window drains, then unbind
    await this.reports.idle();
    server?.closeAllConnections();
  }
}
