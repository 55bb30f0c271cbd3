import http from 'node:http';
import { SmscSimulator } from '../transport/smpp/simulator';

/**
 * `npm run smsc`: a local SMSC on SMPP_SIM_PORT (2775) that logs binds and submits and returns
 * receipts, plus `POST http://localhost:2776/inject {"from","to","text"}` to send a text to the
 * bound gateway (run the gateway with SMPP_URL=smpp://127.0.0.1:2775).
 */
const smppPort = Number(process.env.SMPP_SIM_PORT ?? 2775);
const httpPort = Number(process.env.SMPP_SIM_HTTP_PORT ?? smppPort + 1);
const smsc = new SmscSimulator({ log: (line) => process.stdout.write(`${new Date().toISOString()} ${line}\n`) });
await smsc.start(smppPort);
http
  .createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', async () => {
      try {
        const { from, to, text } = JSON.parse(body) as { from?: string; to?: string; text?: string };
        if (req.method !== 'POST' || req.url !== '/inject' || !from || typeof text !== 'string') throw new Error('POST /inject {"from","to","text"}');
        const statuses = await smsc.inject(from, to ?? 'UPLINK', text);
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ statuses }));
      } catch (err) {
        res.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ error: (err as Error).message }));
      }
    });
  })
  .listen(httpPort, '127.0.0.1');
process.stdout.write(`SMSC simulator: SMPP on 127.0.0.1:${smppPort}, inject with POST http://127.0.0.1:${httpPort}/inject\n`);
