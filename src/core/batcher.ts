type Waiting<I, O> = { item: I; resolve: (o: O) => void; reject: (e: unknown) => void };

/**
 * Coalesces calls that arrive close together into batch calls (micro-batching): each `push`
 * resolves with its own result once the batch it went into is done. At most `concurrency` batches
 * run at once; what arrives meanwhile forms the next batch. A failed batch rejects each of its calls.
 * With `delayMs`, a batch waits that long after its first item for others to join it.
 */
export class Batcher<I, O> {
  private readonly queue: Waiting<I, O>[] = [];
  private active = 0;
  private readonly idlers: (() => void)[] = [];

  constructor(
    private readonly run: (items: I[]) => Promise<O[]>,
    private readonly opts: { max: number; concurrency: number; delayMs?: number } = { max: 500, concurrency: 2 },
  ) {}

  /** Adds one item; resolves with its result. */
  push(item: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      if (this.active < this.opts.concurrency) {
        this.active++;
        if (this.opts.delayMs) setTimeout(() => void this.drain(), this.opts.delayMs);
        else setImmediate(() => void this.drain());
      }
    });
  }

  /** Items pushed and not yet taken into a batch. */
  get waiting(): number {
    return this.queue.length;
  }

  /** Resolves once nothing is queued or running (what was pushed before has settled). */
  idle(): Promise<void> {
    if (this.active === 0 && this.queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idlers.push(resolve));
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, this.opts.max);
      try {
        const out = await this.run(batch.map((w) => w.item));
        batch.forEach((w, i) => w.resolve(out[i]));
      } catch (err) {
        for (const w of batch) w.reject(err);
      }
    }
    this.active--;
    if (this.active === 0 && this.queue.length === 0) for (const done of this.idlers.splice(0)) done();
  }
}
