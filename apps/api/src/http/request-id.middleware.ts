import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';

const HEADER = 'x-request-id';
const SAFE = /^[A-Za-z0-9._:-]{1,128}$/;
const KEY = Symbol('airlock:request-id');

/**
 * Gives every request an id (the caller's X-Request-Id when it is sane) and echoes it back.
 * Installed as the first Express middleware, so even a body that fails to parse has one.
 */
export function requestIdMiddleware(
  request: Request,
  response: Response,
  next: NextFunction,
): void {
  const given = request.header(HEADER);
  const id = given && SAFE.test(given) ? given : randomUUID();
  (request as Request & { [KEY]?: string })[KEY] = id;
  response.setHeader('X-Request-Id', id);
  next();
}

export function requestIdOf(request: Request): string | undefined {
  return (request as Request & { [KEY]?: string })[KEY];
}
