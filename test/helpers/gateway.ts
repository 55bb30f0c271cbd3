import { readFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { type AppConfig, loadConfig } from '../../src/config';
import type { Clock } from '../../src/shared/clock';
import { commands } from '../../src/core/commands/index';
import { InboundPipeline, type PipelineDeps } from '../../src/core/inbound/pipeline';
import { recordTexts } from '../../src/core/inbound/record';
import type { InboundText } from '../../src/transport/types';
import { importDocument, parseImport } from '../../src/domain/import/import';
import { Gateway, type GatewayOptions } from '../../src/gateway';
import { DEMO_FILE } from '../../src/boot';
import { createLogger } from '../../src/shared/log';
import { freshDatabase, type TestDatabase } from './db';

/** The card-hash key every test uses. */
export const TEST_SECRET = 'test-secret-0123456789abcdef0123456789';

/** A test configuration; `env` overrides environment variables. */
export function testConfig(env: Record<string, string> = {}): AppConfig {
  return loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', CARD_HASH_SECRET: TEST_SECRET, SCHEDULER: 'false', ...env });
}

/** A settable clock for tests: still unless moved, or (`realTime`) running with the wall clock. */
export class TestClock {
  private offset = 0;
  constructor(
    public current: Date = new Date('2026-11-28T02:30:00Z'),
    private readonly running = false,
  ) {}
  /** A clock that runs in real time (for a peer that keeps real time, e.g. an SMSC's rate). */
  static realTime(): TestClock {
    return new TestClock(new Date(), true);
  }
  readonly now: Clock = () => (this.running ? new Date(Date.now() + this.offset) : new Date(this.current));
  /** Moves time forward. */
  advance(ms: number): void {
    if (this.running) this.offset += ms;
    else this.current = new Date(this.current.getTime() + ms);
  }
}

/** A gateway on a fresh database, loaded with the demo data, its dispatcher driven by hand. */
export interface TestGateway {
  gw: Gateway;
  tdb: TestDatabase;
  clock: TestClock;
  /** Sends one text in, runs the card-system requests and the dispatcher dry and returns the reply bodies the phone received (to this text). */
  sms(from: string, text: string, opts?: { channel?: string; providerId?: string }): Promise<string[]>;
  /** Sends everything due (card-system requests, then texts) and waits for what the gateway's own lanes are sending. */
  settle(): Promise<void>;
  close(): Promise<void>;
}

/** Builds a test gateway; `env` overrides config, `data` replaces the demo file. */
export async function testGateway(
  opts: { env?: Record<string, string>; data?: string; clock?: TestClock } & Partial<Omit<GatewayOptions, 'clock'>> = {},
): Promise<TestGateway> {
  const tdb = await freshDatabase();
  const config = testConfig(opts.env);
  const doc = parseImport(readFileSync(opts.data ?? DEMO_FILE, 'utf8'), config.defaultRegion);
  const clock = opts.clock ?? new TestClock();
  // The demo figures were true at the card system when the test's clock starts.
  await importDocument(tdb.db, doc, TEST_SECRET, { asOf: clock.now() });
  const gw = new Gateway({ ...opts, config, db: opts.db ?? tdb.db, clock: clock.now, log: opts.log ?? createLogger('silent') });
  const settle = async () => {
    // A confirmed account action goes to the card system (or the local one); its outcome is texted apart.
    while ((await gw.cardRequests.runOnce()) > 0);
    while ((await gw.dispatcher.runOnce()) > 0);
    // A started gateway's own lanes may have claimed a text and be sending it.
    await gw.dispatcher.settled();
  };
  return {
    gw,
    tdb,
    clock,
    settle,
    async sms(from, text, o = {}) {
      const { id, handled } = await gw.pipeline.ingest({ channel: o.channel ?? 'dev', providerId: o.providerId ?? randomUUID(), from, to: 'UPLINK', text });
      await handled;
      await settle();
      const rows = await tdb.db.selectFrom('outbound_messages').select(['id']).where('inbound_id', '=', id).orderBy('id').execute();
      const ids = new Set(rows.map((r) => r.id));
      // What the phone received: the dev transport's deliveries for this text's replies.
      return gw.dev.delivered.filter((d) => ids.has(d.id)).map((d) => d.body);
    },
    async close() {
      await gw.stop();
      await tdb.drop();
    },
  };
}

/**
 * Records a text without handling it, as a process that died right after recording would leave it
 * (the recovery sweep's case); returns its id.
 */
export async function recordOnly(t: TestGateway, sms: Omit<InboundText, 'channel' | 'providerId'> & Partial<InboundText>): Promise<number> {
  const [accepted] = await recordTexts(t.tdb.db, [{ channel: 'dev', providerId: randomUUID(), ...sms }], t.gw.config.defaultRegion, t.clock.now());
  return accepted.id;
}

/** An inbound pipeline of its own over a test gateway's database and parts; `deps` replaces any of them. */
export function testPipeline(t: TestGateway, deps: Partial<PipelineDeps> = {}): InboundPipeline {
  return new InboundPipeline({
    db: t.tdb.db,
    config: t.gw.config,
    notifier: t.gw.notifier,
    outbox: t.gw.outbox,
    commands,
    clock: t.clock.now,
    log: createLogger('silent'),
    ...deps,
  });
}
