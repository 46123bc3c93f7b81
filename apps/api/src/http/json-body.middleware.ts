import { AirlockError } from '@airlock/errors';
import { json, type NextFunction, type Request, type RequestHandler, type Response } from 'express';

interface BodyParserError {
  type?: string;
  message: string;
}

/**
 * The media types parsed as JSON: plain JSON, and the envelopes a registry's push notifications
 * arrive in (CNCF distribution sends them as `application/vnd.docker.distribution.events.v1+json`).
 */
export const JSON_BODY_TYPES = [
  'application/json',
  'application/vnd.docker.distribution.events.v1+json',
];

/**
 * Express's JSON parser with its failures turned into domain errors, so a malformed or
 * oversized body gets the same problem+json as every other bad input, naming `body`.
 */
export function jsonBody(limit: string): RequestHandler {
  const parse = json({ limit, type: JSON_BODY_TYPES });
  return (request: Request, response: Response, next: NextFunction) =>
    parse(request, response, (error?: unknown) =>
      next(error ? toAirlockError(error as BodyParserError, limit) : undefined),
    );
}

function toAirlockError(error: BodyParserError, limit: string): AirlockError {
  switch (error.type) {
    case 'entity.parse.failed':
      return invalidBody('json', `Malformed JSON body: ${error.message}`);
    case 'entity.too.large':
      return new AirlockError(
        'PAYLOAD_TOO_LARGE',
        `Request body exceeds the ${limit} limit (AIRLOCK_HTTP_BODY_LIMIT)`,
        {
          details: {
            errors: [{ field: 'body', rule: 'maxSize', message: `body must be at most ${limit}` }],
          },
        },
      );
    default:
      return invalidBody('encoding', `Unreadable request body: ${error.message}`);
  }
}

function invalidBody(rule: string, message: string): AirlockError {
  return new AirlockError('INVALID_INPUT', message, {
    details: { errors: [{ field: 'body', rule, message }] },
  });
}
