import { AirlockError } from '@airlock/errors';
import { checkJsonDocument, invalidInput, type FieldRule } from '@airlock/validation';
import { json, type NextFunction, type Request, type RequestHandler, type Response } from 'express';

interface BodyParserError {
  type?: string;
  message: string;
}

/** What a request body must be: JSON, as `application/json` or any `application/…+json` type. */
export const ACCEPTED_BODY_TYPE = 'application/json';
const JSON_MEDIA_TYPE = /^application\/(?:json|[!#$%&'*.^`|~\w-]+\+json)$/;

/**
 * The one reader of request bodies. Only JSON is read (ARCHITECTURE.md, invariant 10): a body of
 * any other media type — a form, text, XML, multipart, or no Content-Type at all — is a 415, never
 * taken as an empty body and applied. A JSON body is parsed strictly (an object or array), then
 * checked as a document (nesting depth, NUL characters) before any route sees it. A request
 * without a body leaves `body` undefined; routes that need one refuse that (validation pipe).
 */
export function jsonBody(limit: string): RequestHandler {
  // A chunked body can turn out empty; Express's parser makes `{}` of that, which would be
  // validated as "all defaults" (a PUT of nothing wiping a policy). Seen here, it is no body.
  const empty = new WeakSet<Request>();
  const parse = json({
    limit,
    type: () => true,
    strict: true,
    verify: (request, _response, raw) => void (raw.length === 0 && empty.add(request as Request)),
  });
  return (request: Request, response: Response, next: NextFunction) => {
    if (!carriesBody(request)) return next();
    const type = request.headers['content-type'];
    if (!isJsonMediaType(type)) return next(unsupportedMediaType(type));
    parse(request, response, (error?: unknown) => {
      if (error) return next(toAirlockError(error as BodyParserError, limit));
      if (empty.has(request)) {
        request.body = undefined;
        return next();
      }
      const problems = checkJsonDocument(request.body);
      next(problems.length > 0 ? invalidInput(problems) : undefined);
    });
  };
}

/** RFC 9110 §6.4.1: a body is announced by Content-Length or Transfer-Encoding; an empty one is none. */
function carriesBody(request: Request): boolean {
  if (request.headers['transfer-encoding'] !== undefined) return true;
  const length = request.headers['content-length'];
  return length !== undefined && length.trim() !== '0';
}

export function isJsonMediaType(contentType: string | undefined): boolean {
  const essence = contentType?.split(';')[0]?.trim().toLowerCase();
  return essence !== undefined && JSON_MEDIA_TYPE.test(essence);
}

function unsupportedMediaType(contentType: string | undefined): AirlockError {
  const sent = contentType
    ? `Content-Type ${contentType.split(';')[0]!.trim()}`
    : 'no Content-Type';
  const message = `Request bodies must be JSON (Content-Type: ${ACCEPTED_BODY_TYPE}); this one has ${sent}`;
  return new AirlockError('UNSUPPORTED_MEDIA_TYPE', message, {
    details: {
      accepted: ACCEPTED_BODY_TYPE,
      errors: [{ field: 'body', rule: 'mediaType', message }],
    },
  });
}

/** Express's parser failures as domain errors, naming `body` like every other bad input. */
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
    case 'charset.unsupported':
    case 'encoding.unsupported':
      return new AirlockError(
        'UNSUPPORTED_MEDIA_TYPE',
        `Unreadable request body: ${error.message}`,
        {
          details: {
            accepted: `${ACCEPTED_BODY_TYPE}; charset=utf-8`,
            errors: [{ field: 'body', rule: 'mediaType', message: error.message }],
          },
        },
      );
    default:
      return invalidBody('malformed', `Unreadable request body: ${error.message}`);
  }
}

function invalidBody(rule: FieldRule, message: string): AirlockError {
  return invalidInput([{ field: 'body', rule, message }]);
}
