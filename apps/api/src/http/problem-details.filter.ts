import { AirlockError } from '@airlock/errors';
import { isDatabaseUnavailable } from '@airlock/persistence';
import {
  Catch,
  HttpException,
  Logger,
  type ArgumentsHost,
  type ExceptionFilter,
} from '@nestjs/common';
import type { Request, Response } from 'express';
import { codeOfStatus, httpStatusOf } from './error-status';
import { PROBLEM_CONTENT_TYPE, problemOf, type FieldProblem, type Problem } from './problem';
import { requestIdOf } from './request-id.middleware';

/** What a 503 for an unreachable database tells clients to wait before retrying. */
const DATABASE_RETRY_AFTER_SECONDS = 5;

/**
 * Every error the API answers is problem+json (RFC 9457). Domain errors keep their code and
 * details; HTTP exceptions keep their status; an unreachable database is a 503 with Retry-After;
 * anything else unexpected becomes a 500 whose detail reveals nothing and whose cause is logged
 * with the request id.
 */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  private readonly logger = new Logger('HTTP');

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<Request>();
    const response = http.getResponse<Response>();
    const problem = {
      ...this.toProblem(exception, request),
      instance: request.originalUrl,
      requestId: requestIdOf(request),
    };
    if (problem.status === 503) {
      // An outage answers every request this way: one line each, not a stack trace each.
      this.logger.warn(
        `${request.method} ${request.originalUrl} → 503 [${problem.requestId}]: ${(exception as Error)?.message}`,
      );
    } else if (problem.status >= 500) {
      this.logger.error(
        `${request.method} ${request.originalUrl} → ${problem.status} [${problem.requestId}]`,
        (exception as Error)?.stack,
      );
    }
    if (response.headersSent) return;
    // RFC 9110 §15.5.2: a 401 always says how to authenticate (the guard may have been more precise).
    if (problem.status === 401 && !response.hasHeader('WWW-Authenticate'))
      response.setHeader('WWW-Authenticate', 'Bearer realm="airlock"');
    const retryAfter = (problem as { retryAfterSeconds?: unknown }).retryAfterSeconds;
    if ((problem.status === 429 || problem.status === 503) && typeof retryAfter === 'number')
      response.setHeader('Retry-After', String(retryAfter));
    response.status(problem.status).type(PROBLEM_CONTENT_TYPE).send(JSON.stringify(problem));
  }

  toProblem(exception: unknown, request: Request): Problem {
    if (exception instanceof AirlockError) {
      const { errors, ...extensions } = exception.details;
      return {
        ...extensions,
        ...problemOf(httpStatusOf(exception.code), exception.code, exception.message),
        ...(Array.isArray(errors) ? { errors: errors as FieldProblem[] } : {}),
      };
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const problem = problemOf(status, codeOfStatus(status), messageOf(exception, request));
      // Every 400 names what was wrong, even one that did not come from a field's rule.
      return status === 400 ? { ...problem, errors: [unreadableRequest(problem.detail)] } : problem;
    }
    if (isDatabaseUnavailable(exception)) {
      // Nothing wrong with the request: the same request will work once Postgres is back.
      return {
        ...problemOf(503, 'DEPENDENCY_UNAVAILABLE', 'The database is unreachable; retry later.'),
        retryAfterSeconds: DATABASE_RETRY_AFTER_SECONDS,
      };
    }
    return problemOf(
      500,
      'INTERNAL',
      'An unexpected error occurred; the request id identifies it in the logs.',
    );
  }
}

/** A 400 from Express itself: its router could not decode a path parameter (`%zz`), or worse. */
function unreadableRequest(detail: string): FieldProblem {
  if (/^Failed to decode param/.test(detail))
    return {
      field: 'path',
      rule: 'percentEncoding',
      message: `${detail}: a path must be percent-encoded UTF-8`,
    };
  return { field: 'request', rule: 'malformed', message: detail };
}

function messageOf(exception: HttpException, request: Request): string {
  if (exception.getStatus() === 404 && /^Cannot /.test(exception.message)) {
    return `No route for ${request.method} ${request.path}`;
  }
  const body = exception.getResponse();
  if (typeof body === 'object' && body !== null && 'message' in body) {
    const message = (body as { message: unknown }).message;
    return Array.isArray(message) ? message.join('; ') : String(message);
  }
  return exception.message;
}
