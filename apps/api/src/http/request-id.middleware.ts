import { Metrics, withLogContext } from '@airlock/observability';
import { Injectable, Logger, type NestMiddleware } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';

const HEADER = 'x-request-id';
const SAFE = /^[A-Za-z0-9._:-]{1,128}$/;
const KEY = Symbol('airlock:request-id');

const access = new Logger('HTTP');

/**
 * Gives every request an id (the caller's X-Request-Id when it is sane) and echoes it back.
 * Installed as the first Express middleware, so even a body that fails to parse has one. The rest
 * of the request runs in a log context carrying the id, so every line logged for it has
 * `requestId`; one access line is logged when the response is sent.
 */
@Injectable()
export class RequestIdMiddleware implements NestMiddleware {
  constructor(private readonly metrics: Metrics) {}

  use(request: Request, response: Response, next: NextFunction): void {
    const given = request.header(HEADER);
    const id = given && SAFE.test(given) ? given : randomUUID();
    (request as Request & { [KEY]?: string })[KEY] = id;
    response.setHeader('X-Request-Id', id);
    const started = process.hrtime.bigint();
    response.once('finish', () => this.finished(request, response, id, started));
    withLogContext({ requestId: id }, next);
  }

  private finished(request: Request, response: Response, id: string, started: bigint): void {
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    // The path without its query string: queries are filters, but nothing is gained by logging them.
    const path = request.originalUrl.split('?')[0];
    // The route pattern, not the path: digests and ids would make every path its own series.
    const route = routeOf(request);
    this.metrics.httpRequests.inc({ method: request.method, route, status: response.statusCode });
    this.metrics.httpDuration.observe({ method: request.method, route }, ms / 1000);
    withLogContext({ requestId: id }, () =>
      access.log(`${request.method} ${path} ${response.statusCode} ${ms.toFixed(1)} ms`),
    );
  }
}

export function requestIdOf(request: Request): string | undefined {
  return (request as Request & { [KEY]?: string })[KEY];
}

function routeOf(request: Request): string {
  const pattern = (request.route as { path?: unknown } | undefined)?.path;
  return typeof pattern === 'string' ? `${request.baseUrl}${pattern}` : 'unmatched';
}
