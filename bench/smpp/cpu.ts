import { readdirSync, readFileSync } from 'node:fs';

const TICK = 100; // USER_HZ on Linux

/** CPU seconds used so far by each process, by name (postgres, node, bearerbox, …), from /proc. */
export function cpuByProcess(): Map<number, { name: string; seconds: number }> {
  const out = new Map<number, { name: string; seconds: number }>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      out.set(Number(entry), { name, seconds: (Number(fields[11]) + Number(fields[12])) / TICK });
    } catch {
      // the process ended while we looked
    }
  }
  return out;
}

/** CPU seconds used between two snapshots, summed by process name, for the given pids or names. */
export function cpuSpent(
  before: ReturnType<typeof cpuByProcess>,
  after: ReturnType<typeof cpuByProcess>,
  pick: (pid: number, name: string) => string | null,
): Map<string, number> {
  const spent = new Map<string, number>();
  for (const [pid, p] of after) {
    const label = pick(pid, p.name);
    if (!label) continue;
    spent.set(label, (spent.get(label) ?? 0) + p.seconds - (before.get(pid)?.seconds ?? 0));
  }
  return spent;
}
