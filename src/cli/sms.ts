import { loadToolEnv, smsToolEnvSchema } from '../config';

/**
 * `npm run sms -- <from> <text…>`: sends one text to a running gateway through the dev channel
 * and prints the replies as the phone would see them.
 */
const [from, ...words] = process.argv.slice(2);
if (!from) {
  process.stderr.write('usage: npm run sms -- <from> <text…>   e.g. npm run sms -- 13800138000 BAL\n');
  process.exit(2);
}
const env = loadToolEnv(smsToolEnvSchema);
const base = env.UPLINK_URL ?? `http://localhost:${env.PORT}`;

try {
  const res = await fetch(`${base}/dev/sms`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ from, text: words.join(' ') }),
  });
  const body = (await res.json()) as { replies?: { to: string; body: string; status: string }[]; title?: string; errors?: unknown };
  if (!res.ok) {
    process.stderr.write(`gateway refused the text (${res.status}): ${body.title ?? ''} ${JSON.stringify(body.errors ?? '')}\n`);
    process.exit(1);
  }
  if (!body.replies?.length) process.stdout.write('(no reply)\n');
  for (const r of body.replies ?? []) process.stdout.write(`→ ${r.to} [${r.status}]\n${r.body}\n\n`);
} catch (err) {
  process.stderr.write(`cannot reach the gateway at ${base} (${(err as Error).message}); start it with npm start\n`);
  process.exit(1);
}
