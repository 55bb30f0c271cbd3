import http from 'node:http';

/** A message the fake Twilio API was asked to create. */
export interface FakeTwilioMessage {
  account: string;
  params: Record<string, string>;
}

/**
 * A local stand-in for Twilio's REST API (Messages.json only): records each create and answers like
 * Twilio, or with the error a test queues.
 */
export class FakeTwilio {
  readonly messages: FakeTwilioMessage[] = [];
  readonly errors: { status: number; code: number; message: string }[] = [];
  private server!: http.Server;
  private n = 0;
  url = '';

  /** `keep: false` counts the creates (`created`) without keeping them: a long benchmark's millions. */
  constructor(private readonly opts: { keep?: boolean } = {}) {}

  /** Messages created so far. */
  get created(): number {
    return this.n;
  }

  async start(): Promise<void> {
    this.server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        const m = /^\/2010-04-01\/Accounts\/([^/]+)\/Messages\.json$/.exec(req.url ?? '');
        if (req.method !== 'POST' || !m) {
          res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ code: 20404, message: 'not found', status: 404 }));
          return;
        }
        const error = this.errors.shift();
        if (error) {
          res
            .writeHead(error.status, { 'content-type': 'application/json' })
            .end(JSON.stringify({ ...error, more_info: `https://www.twilio.com/docs/errors/${error.code}` }));
          return;
        }
        const params = Object.fromEntries(new URLSearchParams(body));
        if (this.opts.keep !== false) this.messages.push({ account: m[1], params });
        const sid = `SM${String(++this.n).padStart(32, '0')}`;
        res
          .writeHead(201, { 'content-type': 'application/json' })
          .end(JSON.stringify({ sid, status: 'queued', to: params.To, from: params.From ?? null, body: params.Body, account_sid: m[1] }));
      });
    });
    // Node closes an idle keep-alive socket after 5 s, racing a client that reuses it at that moment: the request
    // is lost with ECONNRESET (the gateway rightly marks such a send `unknown`). Twilio keeps sockets far longer.
    this.server.keepAliveTimeout = 120_000;
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', () => resolve()));
    this.url = `http://127.0.0.1:${(this.server.address() as { port: number }).port}`;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
