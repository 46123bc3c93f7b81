import type { LogLevel as AirlockLogLevel } from '@airlock/config';
import type { LoggerService } from '@nestjs/common';
import pino, { type Logger as Pino } from 'pino';
import { currentLogContext, scrubSecrets } from '@airlock/observability';

/**
 * Nest's LoggerService backed by pino: one JSON object per line on stdout, with the level, the
 * Nest context (`ctx`), the message, and the fields of the current request or job (requestId,
 * jobId, promotionId…) from the async log context. Messages, stacks and fields go through the
 * secret scrubber. Every `new Logger(Context)` in the code base writes through this.
 */
export class JsonLogger implements LoggerService {
  constructor(private readonly pino: Pino) {}

  log(message: unknown, ...rest: unknown[]): void {
    this.write('info', message, rest);
  }
  error(message: unknown, ...rest: unknown[]): void {
    this.write('error', message, rest);
  }
  warn(message: unknown, ...rest: unknown[]): void {
    this.write('warn', message, rest);
  }
  debug(message: unknown, ...rest: unknown[]): void {
    this.write('debug', message, rest);
  }
  verbose(message: unknown, ...rest: unknown[]): void {
    this.write('trace', message, rest);
  }
  fatal(message: unknown, ...rest: unknown[]): void {
    this.write('fatal', message, rest);
  }

  private write(level: pino.Level, message: unknown, rest: unknown[]): void {
    if (!this.pino.isLevelEnabled(level)) return;
    // Nest passes (message, [stack,] context): the last string is the context.
    const ctx = typeof rest[rest.length - 1] === 'string' ? (rest.pop() as string) : undefined;
    const stack = level === 'error' || level === 'fatal' ? rest.find(isString) : undefined;
    const line: Record<string, unknown> = { ...scrubFields(currentLogContext()) };
    if (ctx) line.ctx = ctx;
    if (stack) line.stack = scrubSecrets(stack);
    if (message instanceof Error) {
      line.err = { type: message.name, message: scrubSecrets(message.message) };
      if (message.stack) line.stack = scrubSecrets(message.stack);
      this.pino[level](line, scrubSecrets(message.message));
      return;
    }
    const text = typeof message === 'string' ? message : JSON.stringify(message);
    this.pino[level](line, scrubSecrets(text ?? String(message)));
  }
}

/** The process logger at the configured level, writing JSON lines to stdout. */
export function createLogger(level: AirlockLogLevel): JsonLogger {
  return new JsonLogger(
    pino({
      level,
      base: { pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    }),
  );
}

function isString(value: unknown): value is string {
  return typeof value === 'string';
}

function scrubFields(fields: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(fields)) {
    if (value !== undefined) out[key] = typeof value === 'string' ? scrubSecrets(value) : value;
  }
  return out;
}
