import http from 'node:http';
import type { AddressInfo } from 'node:net';
import readline from 'node:readline';
import { loadToolEnv, simulatorEnvSchema } from '../config';
import { SmscSimulator } from '../transport/smpp/simulator';
import { type Injection, type ParsedInjection, parseInjectionBody, parsePromptLine } from './smsc-input';

/**
 * `npm run smsc`: a local SMSC on SMPP_SIM_PORT (2775; 0 takes any free port) that logs binds and
 * submits and returns receipts. A developer injects a text from a phone into the bound gateway by
 * typing `<from> <text>` at its prompt or with `POST http://127.0.0.1:2776/inject
 * {"from","to","text"}` (SMPP_SIM_HTTP_PORT); `to` defaults to SMPP_SIM_TO (95555).
 */
const MAX_BODY = 64 * 1024;
const env = loadToolEnv(simulatorEnvSchema);
const smppPort = env.SMPP_SIM_PORT;
const httpPort = env.SMPP_SIM_HTTP_PORT ?? (smppPort === 0 ? 0 : smppPort + 1);
const defaultTo = env.SMPP_SIM_TO;
const say = (line: string): void => void process.stdout.write(`${new Date().toISOString()} ${line}\n`);
const smsc = new SmscSimulator({ log: say });

/** Sends the text to the bound gateway; the deliver_sm_resp statuses, one per part. */
async function inject({ from, to, text }: Injection): Promise<number[]> {
  const statuses = await smsc.inject(from, to, text);
  say(
    `deliver_sm ${from} → ${to} (${statuses.length} part${statuses.length > 1 ? 's' : ''}): ${statuses.map((s) => `0x${s.toString(16).padStart(2, '0')}`).join(' ')} ${text.replaceAll('\n', '\\n')}`,
  );
  return statuses;
}

const errorText = (p: Extract<ParsedInjection, { ok: false }>) => p.errors.map((e) => `${e.path}: ${e.message}`).join('; ');

const server = http.createServer((req, res) => {
  const answer = (status: number, body: object): void => void res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  if (req.url !== '/inject') return answer(404, { error: 'not found: POST /inject {"from","to","text"}' });
  if (req.method !== 'POST') return answer(405, { error: 'method not allowed: POST /inject {"from","to","text"}' });
  let body = '';
  let size = 0;
  req.setEncoding('utf8');
  req.on('data', (chunk: string) => {
    size += Buffer.byteLength(chunk); // read to the end (the client then gets its answer), kept only up to MAX_BODY
    if (size <= MAX_BODY) body += chunk;
  });
  req.on('end', () => {
    if (size > MAX_BODY) return answer(413, { error: `body larger than ${MAX_BODY} bytes` });
    const parsed = parseInjectionBody(body, defaultTo);
    if (!parsed.ok) return answer(400, { error: errorText(parsed), errors: parsed.errors });
    inject(parsed.injection).then(
      (statuses) => answer(200, { statuses }),
      (err: Error) => answer(503, { error: err.message }), // no gateway bound to receive, or the link dropped
    );
  });
});

const port = await smsc.start(smppPort);
await new Promise<void>((resolve) => server.listen(httpPort, '127.0.0.1', resolve));
const { port: injectPort } = server.address() as AddressInfo;
say(`SMSC simulator: SMPP on 127.0.0.1:${port}; inject by typing "<from> <text>" here or POST http://127.0.0.1:${injectPort}/inject {"from","to","text"}`);

readline.createInterface({ input: process.stdin }).on('line', (line): void => {
  const parsed = parsePromptLine(line, defaultTo);
  if (!parsed) return;
  if (!parsed.ok) return void say(`not injected: ${errorText(parsed)}`);
  inject(parsed.injection).catch((err: Error) => say(`not injected: ${err.message}`));
});

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    server.close();
    void smsc.stop().then(() => process.exit(0));
  });
}
