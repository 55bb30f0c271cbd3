// The HTTP service Kannel's smsbox calls (get-url) in `npm run bench:smpp`: it answers BAL with the
// same lookup and the same reply text as Uplink — it runs Uplink's own BAL command against the same
// accounts — but records nothing (Kannel keeps its messages in its own store file).
import http from 'node:http';
import type { Transaction } from 'kysely';
import { loadConfig } from '../../src/config';
import { balance } from '../../src/core/commands/balance';
import { Templates, TEMPLATES_DIR } from '../../src/core/messaging/templates';
import { findCustomerByMobile, openCards } from '../../src/domain/accounts';
import { toE164 } from '../../src/domain/phone';
import { createDb } from '../../src/db/connection';
import type { Database, InboundMessage } from '../../src/db/schema';
import { encodingOf } from '../../src/transport/codec/gsm7';

const config = loadConfig();
const db = createDb(config.databaseUrl!, 10);
const templates = new Templates(TEMPLATES_DIR);

/** The reply to one BAL text from `from`, exactly as Uplink words it. */
async function answer(from: string): Promise<string> {
  const sender = toE164(from, config.defaultRegion) ?? from;
  const customer = (await findCustomerByMobile(db, sender)) ?? null;
  const locale = customer?.locale ?? 'zh-CN';
  const replies: string[] = [];
  await balance.run(
    {
      db: db as unknown as Transaction<Database>, // reads only: no transaction needed
      config,
      notifier: undefined as never,
      now: new Date(),
      inbound: {} as InboundMessage,
      sender,
      customer,
      cards: customer ? await openCards(db, customer.id) : [],
      staff: null,
      locale,
      keyword: 'BAL',
      reply: (key, values) => void replies.push(templates.render(locale, key, values)),
      render: (key, values) => templates.render(locale, key, values),
      audit: async () => {},
    },
    { last4: undefined },
  );
  return replies.join('\n');
}

const server = http.createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://localhost');
  answer(url.searchParams.get('from') ?? '')
    .then((text) => {
      // X-Kannel-Coding 2: send as UCS-2 when GSM-7 cannot carry the text (Chinese).
      res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8', ...(encodingOf(text) === 'GSM-7' ? {} : { 'X-Kannel-Coding': '2' }) });
      res.end(text);
    })
    .catch((err) => {
      res.writeHead(500, { 'Content-Type': 'text/plain' });
      res.end(String(err));
    });
});
server.keepAliveTimeout = 60_000;
server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  process.stdout.write(`listening ${(server.address() as { port: number }).port}\n`);
});
process.on('SIGTERM', () => {
  server.close();
  void db.destroy().then(() => process.exit(0));
});
