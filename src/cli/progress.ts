// How an import shows its progress: a bar on a terminal (cli-progress: count, rate, ETA), else a plain
// line at each tenth of the file, which a log keeps readable.
import cliProgress from 'cli-progress';

/** Receives progress (bytes of the file read, lines done) and closes at the end. */
export interface ProgressView {
  /** Where the import starts (line and byte offset: not 0 when it resumes); the rate counts from now. */
  begin(from: { lines: number; bytes: number }): void;
  update(p: { lines: number; bytes: number; totalBytes: number }): void;
  stop(): void;
}

/** `1:05` / `1:02:05` */
export function clock(seconds: number): string {
  if (!Number.isFinite(seconds)) return '-';
  const s = Math.max(0, Math.round(seconds));
  const hms = [Math.floor(s / 3600), Math.floor((s % 3600) / 60), s % 60];
  return hms[0] > 0 ? `${hms[0]}:${String(hms[1]).padStart(2, '0')}:${String(hms[2]).padStart(2, '0')}` : `${hms[1]}:${String(hms[2]).padStart(2, '0')}`;
}

/** The plain progress line: lines, rate and time left by the share of the file read since `started`. */
export function progressLine(p: { lines: number; bytes: number; totalBytes: number }, from: { lines: number; bytes: number }, elapsedMs: number): string {
  const pct = p.totalBytes > 0 ? Math.floor((100 * p.bytes) / p.totalBytes) : 100;
  const seconds = elapsedMs / 1000;
  const rate = seconds > 0 ? (p.lines - from.lines) / seconds : 0;
  const byteRate = seconds > 0 ? (p.bytes - from.bytes) / seconds : 0;
  const eta = byteRate > 0 ? (p.totalBytes - p.bytes) / byteRate : Number.POSITIVE_INFINITY;
  return `${pct}% · ${p.lines.toLocaleString('en')} lines · ${Math.round(rate).toLocaleString('en')}/s · ETA ${clock(eta)}`;
}

/** A bar on a TTY, else one line per 10 % of the file. Rates count from the first report (a resumed run starts midway). */
export function progressView(out: NodeJS.WriteStream, now: () => number = Date.now): ProgressView {
  let first: { lines: number; bytes: number; at: number } | null = null;
  const since = (p: { lines: number; bytes: number }) => (first ??= { lines: p.lines, bytes: p.bytes, at: now() });
  let shown = false;
  if (out.isTTY) {
    const bar = new cliProgress.SingleBar(
      { format: '{bar} {percentage}% · {lines} lines · {rate}/s · ETA {eta_formatted}', stream: out, hideCursor: true, etaBuffer: 50 },
      cliProgress.Presets.shades_classic,
    );
    return {
      begin: (from) => void since(from),
      update(p) {
        const start = shown;
        shown = true;
        const f = since(p);
        const elapsed = (now() - f.at) / 1000;
        const payload = { lines: p.lines.toLocaleString('en'), rate: Math.round(elapsed > 0 ? (p.lines - f.lines) / elapsed : 0).toLocaleString('en') };
        if (!start) bar.start(p.totalBytes, p.bytes, payload);
        else bar.update(p.bytes, payload);
      },
      stop: () => bar.stop(),
    };
  }
  let nextTenth = 1;
  return {
    begin: (from) => void since(from),
    update(p) {
      const f = since(p);
      if (p.totalBytes === 0 || p.bytes < (nextTenth * p.totalBytes) / 10) return;
      while (p.bytes >= (nextTenth * p.totalBytes) / 10) nextTenth++;
      out.write(`${progressLine(p, f, now() - f.at)}\n`);
    },
    stop() {},
  };
}
