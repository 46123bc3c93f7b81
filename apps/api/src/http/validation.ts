import { AirlockError } from '@airlock/errors';
import { checkJsonDocument, invalidInput, type FieldProblem } from '@airlock/validation';
import type { ArgumentMetadata, PipeTransform } from '@nestjs/common';

/**
 * The global pipe: what holds for every route's input, before its service reads it. Each service
 * reads its own body, query and path values with `@airlock/validation` (readInput / readQuery:
 * types, rules, unknown fields — docs/api-errors.md); this pipe neither converts nor validates
 * fields, and hands every value on as the request sent it. It only refuses what no route can
 * take: a request without a body where the route takes one (instead of reading it as `{}` and
 * applying the defaults — a PUT of nothing would wipe a policy), and NUL or a lone surrogate in
 * a query or path value (the body's strings are checked when it is read, json-body.middleware).
 * Custom parameters (the current actor) pass as they are.
 */
export class RequestValidationPipe implements PipeTransform {
  transform(value: unknown, metadata: ArgumentMetadata): unknown {
    if (metadata.type === 'custom') return value;
    if (metadata.type === 'body') {
      if (value === undefined) throw missingBody();
      return value;
    }
    throwIfAny(checkJsonDocument(namedValue(value, metadata), ''));
    return value;
  }
}

/** Query and path values as a document whose top-level keys are the parameters' own names. */
function namedValue(value: unknown, metadata: ArgumentMetadata): unknown {
  return metadata.data ? { [metadata.data]: value } : value;
}

function missingBody(): AirlockError {
  return invalidInput([
    {
      field: 'body',
      rule: 'required',
      message:
        'This request needs a JSON body (Content-Type: application/json); send {} for the defaults',
    },
  ]);
}

function throwIfAny(problems: FieldProblem[]): void {
  if (problems.length > 0) throw invalidInput(problems);
}
