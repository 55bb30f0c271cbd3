import { boot, loadDemoIfEmpty } from './boot';
import { readDotEnv } from './config';
import { Gateway } from './gateway';

/** `npm start`: the gateway on the configured or embedded database, with demo data when empty. */
async function main(): Promise<void> {
  readDotEnv();
  const booted = await boot();
  const { config, db, log } = booted;
  const demo = await loadDemoIfEmpty(booted);
  const gateway = new Gateway({ config, db, log });
  const port = await gateway.start(config.port);
  log.info({ port, embedded: booted.embedded, demo }, 'uplink started');
  process.stdout.write(
    [
      '',
      `Uplink is listening on http://localhost:${port} (${booted.embedded ? `embedded PostgreSQL under ${config.dataDir}` : 'DATABASE_URL'})`,
      'Try it from another terminal:',
      '  npm run sms -- 13800138000 BAL          # platinum demo customer, Simplified Chinese',
      '  npm run sms -- +85291234567 餘額        # Hong Kong customer, Traditional Chinese',
      '  npm run sms -- +16465550123 bill        # New York customer, English',
      "  npm run sms -- 13800138000 ACT 765432   # activate the demo customer's new card",
      '',
    ].join('\n'),
  );
  // A graceful stop (docs/operations.md): nothing new is taken, what is in hand is finished, the
  // SMPP window drains, the binds are released, the pool closes. A second signal, or a stop that
  // overruns SHUTDOWN_SECONDS, ends the process at once.
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) {
      log.warn({ signal }, 'second signal: exiting now');
      process.exit(1);
    }
    stopping = true;
    log.info({ signal, seconds: config.shutdownSeconds }, 'stopping');
    setTimeout(() => {
      log.error({ seconds: config.shutdownSeconds }, 'stop took too long: exiting now');
      process.exit(1);
    }, config.shutdownSeconds * 1000).unref();
    await gateway.stop();
    await booted.close();
    log.info('stopped');
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
}

main().catch((err) => {
  process.stderr.write(`uplink failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
