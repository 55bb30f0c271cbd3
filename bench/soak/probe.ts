// Preloaded into the gateway under `npm run bench:soak` only (node --import, built by the bench to
// dist/soak-probe.js, so the gateway runs without a TypeScript loader as `npm run start:prod` does): answers the bench's
// IPC messages with this process's memory figures, and writes a heap snapshot when asked. Nothing
// of it is in the gateway's own code or in a production start.
import path from 'node:path';
import process from 'node:process';
import v8 from 'node:v8';

if (process.send) {
  process.on('message', (ask: { id: number; kind: string; file?: string }) => {
    if (ask.kind === 'memory') {
      const m = process.memoryUsage();
      const h = v8.getHeapStatistics();
      process.send!({ id: ask.id, rss: m.rss, heapUsed: m.heapUsed, heapTotal: m.heapTotal, external: m.external, heapLimit: h.heap_size_limit });
    } else if (ask.kind === 'snapshot') {
      process.send!({ id: ask.id, file: v8.writeHeapSnapshot(path.resolve(ask.file!)) });
    }
  });
  process.channel?.unref(); // the IPC channel alone never keeps the gateway running
}
