import net from 'node:net';

/** How the proxy treats traffic: forward it, drop every connection, or hold connections without a byte either way. */
export type ProxyMode = 'pass' | 'drop' | 'hang';

/**
 * A TCP proxy in front of a server (PostgreSQL, here), for fault tests: `drop()` resets every
 * connection and refuses new ones as a crashed or restarting server would; `hang()` keeps
 * connections open but lets nothing through, as a partitioned network does; `pass()` restores it.
 */
export class TcpProxy {
  private server: net.Server | null = null;
  private readonly pairs = new Set<{ client: net.Socket; upstream: net.Socket | null }>();
  private mode: ProxyMode = 'pass';
  port = 0;

  constructor(private readonly target: { host: string; port: number }) {}

  /** Listens on an ephemeral port of 127.0.0.1. */
  async start(): Promise<number> {
    this.server = net.createServer((client) => this.accept(client));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as net.AddressInfo).port;
    return this.port;
  }

  /** Resets every connection, and every new one until `pass()`. */
  drop(): void {
    this.mode = 'drop';
    for (const p of this.pairs) this.close(p);
  }

  /** Stops forwarding on every connection (open ones and new ones) until `pass()`. */
  hang(): void {
    this.mode = 'hang';
    for (const p of this.pairs) this.freeze(p);
  }

  /** Forwards again; connections held by `hang()` are reset (their clients gave up on them). */
  pass(): void {
    this.mode = 'pass';
    for (const p of this.pairs) if (p.client.isPaused()) this.close(p);
  }

  /** Closes everything. */
  async stop(): Promise<void> {
    for (const p of this.pairs) this.close(p);
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private accept(client: net.Socket): void {
    const pair = { client, upstream: null as net.Socket | null };
    this.pairs.add(pair);
    client.on('error', () => this.close(pair));
    client.on('close', () => this.close(pair));
    if (this.mode === 'drop') return this.close(pair);
    if (this.mode === 'hang') return this.freeze(pair);
    const upstream = net.connect(this.target);
    pair.upstream = upstream;
    upstream.on('error', () => this.close(pair));
    upstream.on('close', () => this.close(pair));
    client.pipe(upstream);
    upstream.pipe(client);
  }

  private freeze(pair: { client: net.Socket; upstream: net.Socket | null }): void {
    pair.client.unpipe();
    pair.upstream?.unpipe();
    pair.client.pause();
    pair.upstream?.pause();
  }

  private close(pair: { client: net.Socket; upstream: net.Socket | null }): void {
    this.pairs.delete(pair);
    for (const s of [pair.client, pair.upstream]) if (s && !s.destroyed) s.resetAndDestroy();
  }
}
