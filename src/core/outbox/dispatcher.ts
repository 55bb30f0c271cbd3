import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema';
import type { Logger } from '../../shared/log';
import { Batcher } from '../batcher';
import { DatabaseWatch } from '../outage';
import { throttleEvents } from '../../shared/metrics';
import { SendError, type SmsTransport } from '../../transport/types';
import type { Clock } from '../../shared/clock';
import { type ClaimedMessage, claimDue } from './claim';
import type { HandOff } from './outbox';
import { admit } from './admit';
import { afterSendError } from './after-error';
import { DISPATCHER_DEFAULTS, type DispatcherOptions, type Lane, LANES } from './options';
import { applyWaitingReports } from './receipts';
import { HeldRows } from './held';
import { recoverExpiredLeases } from './recover';
import { type RouteTable, TransportPicker } from './routes';
import {
  blockRoute,
  type FinalOutcome,
  markFinal,
  markFinalMany,
  markHanded,
  markSent,
  recordAcceptedParts,
  type Requeue,
  requeue,
  requeueMany,
  type SentResult,
} from './settle';
import { Throttle } from './throttle';
import { DestinationWindow } from './window';

/**
 * Sends queued outbox rows: claim (SKIP LOCKED), apply policies (expiry, consent, quiet hours,
 * caps), route (with failover), throttle, send, settle. Two lanes claim independently, so a
 * marketing backlog never sits in front of a reply.
 */
export class Dispatcher implements HandOff {
  private readonly opts: DispatcherOptions;
  private readonly throttles = new Map<string, Throttle>();
  private readonly picker: TransportPicker;
  private running = false;
  private loops: Promise<void>[] = [];
  private readonly wakers = new Map<() => void, Lane['name']>();
  private kicked = new Set<Lane['name']>();
  private lastRecovery = -Infinity;
  private readonly perDestination: DestinationWindow;
  private interactiveAt = -Infinity;
  // Bounded by handOffMax: `lease` takes no more once that many handed rows are in hand.
  private readonly handing = new Set<Promise<void>>();
  // The lanes' claims and sends under way (at most one per worker).
  private readonly laneBatches = new Set<Promise<number>>();
  private inHand = 0;
  private readonly sentMarks: Batcher<SentResult[], void>;
  private readonly held: HeldRows;
  private readonly watch: DatabaseWatch;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly transports: ReadonlyMap<string, SmsTransport>,
    routes: RouteTable,
    private readonly clock: Clock,
    private readonly log: Logger,
    opts: Partial<DispatcherOptions> = {},
  ) {
    this.opts = { ...DISPATCHER_DEFAULTS, ...opts };
    for (const [name, limit] of Object.entries(this.opts.limits)) this.throttles.set(name, new Throttle(limit, () => this.clock().getTime()));
    this.perDestination = new DestinationWindow(this.opts.destinationMaxPerMinute);
    this.watch = new DatabaseWatch(log, 'sending');
    this.picker = new TransportPicker(routes, transports, clock);
    this.held = new HeldRows(db, clock, log, this.opts.leaseMs);
    // Sends accepted within `settleDelayMs` of each other are marked sent in one statement.
    this.sentMarks = new Batcher<SentResult[], void>(
      async (batches) => {
        await this.settleSent(batches.flat());
        return batches.map(() => undefined);
      },
      { max: 50, concurrency: 2, delayMs: this.opts.settleDelayMs },
    );
  }

  /** The throttle of a transport, if it has one (for observation). */
  throttleOf(transport: string): Throttle | undefined {
    return this.throttles.get(transport);
  }

  /** Starts both lanes. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.held.start();
    this.loops = LANES.flatMap((lane) =>
      Array.from({ length: lane.name === 'bulk' ? this.opts.bulkWorkers : this.opts.urgentWorkers }, (_, worker) => this.run(lane, worker)),
    );
  }

  /** Stops after the batches in hand are settled. */
  async stop(): Promise<void> {
    this.running = false;
    for (const wake of this.wakers.keys()) wake();
    await Promise.all([...this.loops, ...this.handing]);
    this.held.stop();
    await this.held.requeueStranded().catch((err) => this.log.warn({ error: (err as Error).message }, 'replies left to their lease'));
  }

  /**
   * The lease of replies queued already claimed for this dispatcher; none once stopped, nor while
   * `handOffMax` handed rows are still in hand (those replies are queued for the lanes instead).
   */
  lease(now: Date): Date | null {
    return this.running && this.inHand < this.opts.handOffMax ? new Date(now.getTime() + this.opts.leaseMs) : null;
  }

  /**
   * Sends replies whose claimed rows just committed, as a claimed batch (policies, routing,
   * throttle, settle). Handed over after stop, they go back to the queue for the next start.
   */
  send(rows: ClaimedMessage[]): void {
    this.inHand += rows.length;
    const done = (
      this.running
        ? this.process(rows)
        : requeueMany(
            this.db,
            rows.map((r) => ({ id: r.id, notBefore: this.clock(), reason: null, refund: true })),
          )
    )
      .catch((err) => {
        try {
          this.held.strand(rows, err);
        } catch {
          this.log.error({ err, ids: rows.map((r) => r.id) }, 'sending handed-off replies failed');
        }
      })
      .finally(() => {
        this.inHand -= rows.length;
        this.handing.delete(done);
      });
    this.handing.add(done);
  }

  /** Resolves once the batches the lanes and hand-offs are claiming or sending now are settled. */
  async settled(): Promise<void> {
    while (this.laneBatches.size + this.handing.size > 0) await Promise.allSettled([...this.laneBatches, ...this.handing]);
  }

  /** Wakes the lanes now (new messages were committed); `urgent` alone for replies and notices. */
  kick(only?: Lane['name']): void {
    const lanes = only ? [only] : LANES.map((l) => l.name);
    for (const lane of lanes) this.kicked.add(lane);
    for (const [wake, lane] of this.wakers) if (lanes.includes(lane)) wake();
  }

  /**
   * Says a cardholder is waiting (an inbound text is being handled): for `yieldMs` the bulk lane
   * claims with one worker and batches of `yieldBatch`, so the database and this process have a
   * core for the reply. Marketing throughput is what gives way, never the reply.
   */
  yieldToInteractive(): void {
    this.interactiveAt = this.clock().getTime();
  }

  /** Recovers expired leases, then claims and sends one batch per lane; returns rows claimed. */
  async runOnce(): Promise<number> {
    await this.recover();
    let n = 0;
    for (const lane of LANES) n += await this.runLane(lane);
    return n;
  }

  /** Settles rows whose worker died (see recoverExpiredLeases). */
  async recover(): Promise<void> {
    const now = this.clock();
    this.lastRecovery = now.getTime();
    const r = await recoverExpiredLeases(this.db, now);
    if (r.requeued || r.unknown) this.log.warn(r, 'recovered expired leases');
  }

  private async runLane(lane: Lane, worker = 0): Promise<number> {
    let batch = lane.name === 'urgent' ? this.opts.batch : this.opts.bulkBatch;
    if (lane.name === 'bulk' && this.clock().getTime() - this.interactiveAt < this.opts.yieldMs) {
      if (worker > 0) return 0;
      batch = Math.min(batch, this.opts.yieldBatch);
    }
    const rows = await claimDue(this.db, {
      batch,
      leaseMs: this.opts.leaseMs,
      now: this.clock(),
      minPriority: lane.min,
      maxPriority: lane.max,
    });
    if (rows.length > 0) await this.process(rows).catch((err) => this.held.strand(rows, err));
    return rows.length;
  }

  private async run(lane: Lane, worker: number): Promise<void> {
    while (this.running) {
      let claimed = 0;
      let pause: number | null = null;
      try {
        if (lane.name === 'urgent' && this.clock().getTime() - this.lastRecovery > this.opts.leaseMs / 2) await this.recover();
        await this.held.requeueStranded();
        const batch = this.runLane(lane, worker);
        this.laneBatches.add(batch);
        claimed = await batch.finally(() => this.laneBatches.delete(batch));
        this.watch.ok();
      } catch (err) {
        // While the database is away the lanes pause and try again, logged once; they resume by themselves.
        pause = this.watch.failed(err);
        if (pause === null) this.log.error({ err, lane: lane.name }, 'dispatch failed');
      }
      if (pause !== null) await new Promise((r) => setTimeout(r, pause));
      if (claimed > 0 || !this.running) continue;
      if (this.kicked.delete(lane.name)) continue;
      await new Promise<void>((resolve) => {
        const wake = () => {
          clearTimeout(timer);
          this.wakers.delete(wake);
          resolve();
        };
        const timer = setTimeout(wake, this.opts.pollMs);
        this.wakers.set(wake, lane.name);
      });
      this.kicked.delete(lane.name);
    }
  }

  private async process(rows: ClaimedMessage[]): Promise<void> {
    const now = this.clock();
    const finals: FinalOutcome[] = [];
    const requeues: Requeue[] = [];
    const routed: { row: ClaimedMessage; channel: string }[] = [];
    const ready = await admit(this.db, rows, now, this.opts, this.perDestination, finals, requeues);
    const blocked = new Set(ready.flatMap((r) => r.blocked.map((channel) => `${r.to_number} ${channel}`)));
    for (const row of ready) {
      const channel = this.picker.pick(row, blocked);
      if (channel) routed.push({ row, channel });
      else requeues.push({ id: row.id, notBefore: new Date(now.getTime() + 5_000), reason: 'no transport up for this route', refund: true });
    }
    await markFinalMany(this.db, finals);
    await requeueMany(this.db, requeues);
    const handed = routed.map((r) => r.row.id);
    await markHanded(this.db, handed, now);
    await this.held.during(handed, async () => {
      const sent: SentResult[] = [];
      await Promise.all(routed.map(({ row, channel }) => this.sendOne(row, channel, sent)));
      if (sent.length > 0) await this.sentMarks.push(sent);
    });
  }

  /** A write that records what happened to a send: retried through a database outage while running. */
  private persist(write: () => Promise<void>): Promise<void> {
    return this.watch.persist(write, () => this.running);
  }

  /** Marks accepted sends `sent`, then applies receipts that came before their ids were recorded. */
  private async settleSent(sent: SentResult[]): Promise<void> {
    await this.persist(() => markSent(this.db, sent, this.clock()));
    for (const channel of new Set(sent.map((s) => s.channel))) {
      const ids = sent.filter((s) => s.channel === channel).flatMap((s) => [s.providerId, ...(s.partIds ?? [])]);
      await applyWaitingReports(this.db, channel, ids);
    }
  }

  private async sendOne(row: ClaimedMessage, channel: string, sent: SentResult[]): Promise<void> {
    const transport = this.transports.get(channel)!;
    const resume = row.concat_ref !== null && row.parts_accepted ? { ref: row.concat_ref, accepted: new Map(row.parts_accepted) } : undefined;
    try {
      await this.throttles.get(channel)?.take(row.segments ?? 1);
      const result = await transport.send({ id: row.id, to: row.to_number, body: row.body, class: row.class, tier: row.tier, resume });
      sent.push({ id: row.id, channel, providerId: result.providerId, partIds: result.partIds });
    } catch (err) {
      await this.settleError(row, channel, err);
    }
  }

  /**
   * Records a failed send: the parts of a long message accepted before the refusal (they are not
   * sent again), then the message back in the queue or final. These writes wait out a database
   * outage, so a send that was refused is never left to look abandoned.
   */
  private async settleError(row: ClaimedMessage, channel: string, err: unknown): Promise<void> {
    const e = err instanceof SendError ? err : new SendError('unavailable', String(err));
    const reason = `${e.kind}${e.providerCode ? ` ${e.providerCode}` : ''}: ${e.message}`.slice(0, 500);
    this.log.warn({ id: row.id, channel, kind: e.kind, code: e.providerCode, partsAccepted: e.progress?.accepted.size }, 'send failed');
    if (e.progress) await this.persist(() => recordAcceptedParts(this.db, row.id, channel, e.progress!));
    if (e.kind === 'opted_out') await this.persist(() => blockRoute(this.db, row.to_number, channel, reason));
    // The provider asked the whole route to slow down; a transport that already says it is down
    // (SMPP lost its bind) is skipped through isUp() until it rebinds, one that claims to be up yet
    // failed sits out a cooldown.
    if (e.kind === 'throttled') {
      this.throttles.get(channel)?.penalise();
      throttleEvents.inc({ transport: channel });
    }
    if (e.kind === 'unavailable' && this.transports.get(channel)?.isUp?.() !== false) this.picker.coolDown(channel, this.opts.downCooldownMs);
    const next = afterSendError(row, channel, e, {
      now: this.clock().getTime(),
      opts: this.opts,
      canReroute: (blocked) => Boolean(this.picker.pick(row, blocked)),
    });
    await this.persist(() =>
      'final' in next ? markFinal(this.db, row.id, next.final, reason, channel) : requeue(this.db, row.id, next.at, reason, next.refund),
    );
  }
}
