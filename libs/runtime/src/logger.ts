import type { LogLevel as AirlockLogLevel } from '@airlock/config';
import { ConsoleLogger, type LogLevel } from '@nestjs/common';

const ORDER: Record<AirlockLogLevel, LogLevel[]> = {
  fatal: ['fatal'],
  error: ['fatal', 'error'],
  warn: ['fatal', 'error', 'warn'],
  info: ['fatal', 'error', 'warn', 'log'],
  debug: ['fatal', 'error', 'warn', 'log', 'debug'],
  trace: ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'],
};

/** Nest's logger at the configured level; colours only on a terminal. */
export function createLogger(level: AirlockLogLevel): ConsoleLogger {
  return new ConsoleLogger({ logLevels: ORDER[level], colors: Boolean(process.stdout.isTTY) });
}
