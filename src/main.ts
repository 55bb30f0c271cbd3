import { boot, DEMO_FILE, loadDemoIfEmpty } from './boot';
import { ConfigError, gatewayRefusals, loadConfig, readDotEnv } from './config';
import { Gateway } from './gateway';

/**
 * `npm start`: the gateway on the configured or embedded database, with demo data when empty
 * outside production. Production refuses to start with the dev channel on or no operator transport.
 */
async function main(): Promise<void> {
  readDotEnv();
  const refusals = gatewayRefusals(loadConfig());
  if (refusals.length > 0) throw new ConfigError(refusals);
  const booted = await boot();
  const { config, db, log } = booted;
  const demo = await loadDemoIfEmpty(booted);
  if (demo) log.warn({ file: DEMO_FILE }, 'the database was empty: demo customers, cards, an event and an agent phone were loaded (never in production)');
  else if (config.env === 'production' && !(await db.selectFrom('customers').select('id').limit(1).executeTakeFirst())) {
    log.warn('no customers yet: load them with npm run cli -- import <file.json> (demo data is never loaded in production)');
  }
  const gateway = new Gateway({ config, db, log });
  const port = await gateway.start(config.port);
  log.info({ port, embedded: booted.embedded, demo }, 'uplink started');
  if (config.devChannel) {
    process.stdout.write(
      [
        '',
        `Uplink is listening on http://localhost:${port} (${booted.embedded ? `embedded PostgreSQL under ${config.dataDir}` : 'DATABASE_URL'})`,
        'Try it from another terminal:',
        '  npm run sms -- 13800138000 BAL          # platinum demo customer, Simplified Chinese',
        '  npm run sms -- +85291234567 餘額        # Hong Kong customer, Traditional Chinese',
        '  npm run sms -- +16465550123 bill        # New York customer, English',
        "  npm run sms -- 13800138000 ACT 765432   # activate the demo customer's new card",
        `The staff console: http://localhost:${port}/console (a token from npm run cli -- staff add --id A-99 --name You --role admin)`,
        '',
      ].join('\n'),
    );
  }
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
  // One line per reason, so a refused production start says exactly why.
  const reasons = err instanceof ConfigError ? err.problems : [err instanceof Error ? err.message : String(err)];
  for (const reason of reasons) process.stderr.write(`uplink failed to start: ${reason}\n`);
  process.exit(1);
});
