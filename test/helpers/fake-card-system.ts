import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { signatureValid } from '../../src/shared/signature';

/** One request the fake card system received. */
export interface ReceivedRequest {
  headers: Record<string, string | string[] | undefined>;
  body: any;
  /** Whether its signature matched the shared secret. */
  signed: boolean;
}

/**
 * A card system on loopback: records each request Uplink POSTs, checks its signature, and answers
 * with what `answer` says (default 200 `{"status":"done"}`).
 */
export class FakeCardSystem {
  readonly received: ReceivedRequest[] = [];
  answer: (body: any) => { status: number; json?: unknown } = () => ({ status: 200, json: { status: 'done' } });
  private server: Server | null = null;

  constructor(private readonly secret: string) {}

  /** Listens on an ephemeral loopback port; returns its URL. */
  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      let raw = '';
      req.on('data', (c: Buffer) => (raw += c.toString('utf8')));
      req.on('end', () => {
        const signed = signatureValid(this.secret, req.headers['x-uplink-signature'] as string, req.headers['x-uplink-timestamp'] as string, raw, new Date());
        const body = JSON.parse(raw);
        this.received.push({ headers: req.headers, body, signed });
        const a = this.answer(body);
        res.writeHead(a.status, { 'content-type': 'application/json' });
        res.end(a.json === undefined ? '' : JSON.stringify(a.json));
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/requests`;
  }

  /** Stops listening. */
  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
