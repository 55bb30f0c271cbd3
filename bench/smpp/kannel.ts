import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const BEARERBOX = '/usr/sbin/bearerbox';
const SMSBOX = '/usr/sbin/smsbox';

/** Kannel's version line when Debian's package is installed, else null. */
export function kannelVersion(): string | null {
  if (!existsSync(BEARERBOX) || !existsSync(SMSBOX)) return null;
  const out = spawnSync('dpkg-query', ['-W', '-f=${Version}', 'kannel'], { encoding: 'utf8' });
  return out.status === 0 ? `Kannel ${out.stdout.trim()} (Debian)` : 'Kannel (version unknown)';
}

/** A running Kannel: bearerbox bound to the SMSC with a transmitter and a receiver, smsbox calling `getUrl`. */
export interface Kannel {
  dir: string;
  /** Why a box exited, if one did (its log's last lines). */
  failed(): string | null;
  stop(): Promise<void>;
}

/**
 * Starts bearerbox and smsbox. The SMSC link is SMPP with separate transmitter and receiver binds
 * (two groups of one smsc-id, one with `port`, one with `receive-port`, as Kannel 1.4.5 wants), `max-pending-submits` as Uplink's window; messages are kept in
 * bearerbox's store file (Kannel's durability); BAL goes to `getUrl` with the sender's number.
 */
export async function startKannel(opts: {
  smscPort: number;
  getUrl: string;
  window: number;
  adminPort: number;
  smsboxPort: number;
  /** Also open smsbox's HTTP sendsms interface on this port (user `bench`, password `bench`). */
  sendsmsPort?: number;
}): Promise<Kannel> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'uplink-kannel-'));
  const conf = path.join(dir, 'kannel.conf');
  writeFileSync(
    conf,
    `group = core
admin-port = ${opts.adminPort}
admin-password = bench
smsbox-port = ${opts.smsboxPort}
box-allow-ip = "127.0.0.1"
log-file = "${dir}/bearerbox.log"
log-level = 3
store-type = file
store-location = "${dir}/kannel.store"
dlr-storage = internal

${['port', 'receive-port']
  .map(
    (which) => `group = smsc
smsc = smpp
smsc-id = bench
host = 127.0.0.1
${which} = ${opts.smscPort}
smsc-username = kannel
smsc-password = bench
system-type = ""
max-pending-submits = ${opts.window}
source-addr-ton = 0
source-addr-npi = 1
dest-addr-ton = 1
dest-addr-npi = 1
`,
  )
  .join('\n')}
group = smsbox
bearerbox-host = 127.0.0.1
bearerbox-port = ${opts.smsboxPort}
log-file = "${dir}/smsbox.log"
log-level = 3
global-sender = 95555
max-pending-requests = 512
${opts.sendsmsPort ? `sendsms-port = ${opts.sendsmsPort}\n\ngroup = sendsms-user\nusername = bench\npassword = bench\nmax-messages = 10\nconcatenation = true\n` : ''}

group = sms-service
keyword = bal
get-url = "${opts.getUrl}?from=%p"
max-messages = 5
concatenation = true
omit-empty = true
accept-x-kannel-headers = true

group = sms-service
keyword = default
text = "Unknown keyword"
`,
  );
  const boxes: ChildProcess[] = [];
  const start = (bin: string) => {
    const child = spawn(bin, ['-v', '3', conf], { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
    boxes.push(child);
    return child;
  };
  start(BEARERBOX);
  await new Promise((r) => setTimeout(r, 500)); // bearerbox opens the smsbox port first
  start(SMSBOX);
  return {
    dir,
    failed() {
      const dead = boxes.find((b) => b.exitCode !== null);
      if (!dead) return null;
      const log = readFileSync(path.join(dir, dead.spawnfile.endsWith('bearerbox') ? 'bearerbox.log' : 'smsbox.log'), 'utf8');
      return `${dead.spawnfile} exited: ${log
        .split('\n')
        .filter((l) => / (ERROR|PANIC): /.test(l))
        .slice(0, 3)
        .join(' | ')}`;
    },
    async stop() {
      for (const child of boxes.reverse()) {
        if (child.exitCode !== null) continue;
        child.kill('SIGTERM');
        await new Promise((r) => {
          const timer = setTimeout(() => {
            child.kill('SIGKILL');
            r(undefined);
          }, 5000);
          child.once('exit', () => {
            clearTimeout(timer);
            r(undefined);
          });
        });
      }
    },
  };
}
