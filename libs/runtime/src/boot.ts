import { AppConfig, ConfigError, loadConfig, redactUrl } from '@airlock/config';
import { migrateDatabase } from '@airlock/persistence';
import { Logger, type INestApplicationContext } from '@nestjs/common';
import { createLogger } from './logger';

const logger = new Logger('Boot');

/** Loads the configuration or ends the process with a message naming every bad variable. */
export function loadConfigOrExit(env: NodeJS.ProcessEnv = process.env): AppConfig {
  try {
    const config = loadConfig(env);
    Logger.overrideLogger(createLogger(config.logLevel));
    return config;
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`airlock: ${error.message}\n`);
    process.exit(78); // EX_CONFIG
  }
}

/** Applies pending migrations when AIRLOCK_MIGRATE_ON_START is on (the default). */
export async function prepareDatabase(config: AppConfig): Promise<void> {
  if (!config.migrateOnStart) return;
  const report = await migrateDatabase(config);
  if (report.databaseCreated) logger.log(`created database ${redactUrl(config.databaseUrl)}`);
  if (report.applied.length > 0) logger.log(`applied migrations: ${report.applied.join(', ')}`);
}

/**
 * Graceful shutdown on SIGTERM/SIGINT: close the application (HTTP server first, then workers
 * wait for running jobs, then connections), exit 0. If closing takes longer than the configured
 * bound plus a margin, exit 1 anyway. Done here rather than with Nest's enableShutdownHooks,
 * which re-raises the signal and so never exits 0.
 */
export function boundShutdown(app: INestApplicationContext, config: AppConfig): void {
  let closing = false;
  const shutdown = (signal: NodeJS.Signals) => {
    if (closing) return;
    closing = true;
    logger.log(`${signal} received: shutting down (up to ${config.shutdownTimeoutMs} ms)`);
    setTimeout(() => {
      logger.error('shutdown did not finish in time; exiting');
      process.exit(1);
    }, config.shutdownTimeoutMs + 5000).unref();
    app.close().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error(`shutdown failed: ${(error as Error).message}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
}

/** Runs an async main, printing a failure without a stack trace for expected boot errors. */
export function runMain(main: () => Promise<void>): void {
  main().catch((error: unknown) => {
    logger.error(`startup failed: ${(error as Error).message}`, (error as Error).stack);
    process.exit(1);
  });
}
