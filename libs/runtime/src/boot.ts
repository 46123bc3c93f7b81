import { AppConfig, ConfigError, loadConfig, redactUrl } from '@airlock/config';
import { migrateDatabase } from '@airlock/persistence';
import { Logger, type INestApplicationContext } from '@nestjs/common';

const logger = new Logger('Boot');

/** Loads the configuration or ends the process with a message naming every bad variable. */
export function loadConfigOrExit(env: NodeJS.ProcessEnv = process.env): AppConfig {
  try {
    return loadConfig(env);
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
 * Nest closes the application on SIGTERM/SIGINT (enableShutdownHooks); this adds the bound:
 * if closing takes longer than the configured timeout plus a margin, the process exits anyway.
 */
export function boundShutdown(app: INestApplicationContext, config: AppConfig): void {
  app.enableShutdownHooks(['SIGTERM', 'SIGINT']);
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      logger.log(`${signal} received: shutting down (up to ${config.shutdownTimeoutMs} ms)`);
      setTimeout(() => {
        logger.error('shutdown did not finish in time; exiting');
        process.exit(1);
      }, config.shutdownTimeoutMs + 5000).unref();
    });
  }
}

/** Runs an async main, printing a failure without a stack trace for expected boot errors. */
export function runMain(main: () => Promise<void>): void {
  main().catch((error: unknown) => {
    logger.error(`startup failed: ${(error as Error).message}`, (error as Error).stack);
    process.exit(1);
  });
}
