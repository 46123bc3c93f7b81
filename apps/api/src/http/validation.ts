import { AirlockError } from '@airlock/errors';
import { checkJsonDocument, fieldPath, invalidInput, type FieldProblem } from '@airlock/validation';
import {
  ValidationPipe,
  type ArgumentMetadata,
  type PipeTransform,
  type ValidationError,
} from '@nestjs/common';
import { cacheValidationMetadata } from './validation-metadata-cache';

/**
 * Global validation of what a route takes from the request: unknown fields are refused (not
 * silently dropped), values are converted to the declared types, and every broken rule is
 * reported with its field path. Three things class-validator alone gets wrong are checked here:
 * a route that takes a body refuses a request without one (instead of validating `{}` and
 * applying the defaults — a PUT of nothing would wipe a policy); a field named like a member of
 * Object.prototype (`__proto__`, `constructor`, `toString`) is an unknown field like any other
 * (class-transformer drops those keys without a word); query and path values may not hold NUL.
 */
export class RequestValidationPipe implements PipeTransform {
  private readonly fields = createFieldValidation();

  async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type === 'custom') return value;
    if (metadata.type === 'body' && value === undefined) throw missingBody();
    if (metadata.type !== 'body') throwIfAny(checkJsonDocument(namedValue(value, metadata), ''));
    // Taken first: Nest's pipe deletes `__proto__`, `prototype` and `constructor` keys in place.
    const sent = isDeclaredClass(metadata.metatype) ? keysOf(value) : undefined;
    const result: unknown = await this.fields.transform(value, metadata);
    if (sent !== undefined) throwIfAny(unknownKeys(sent, result, ''));
    return result;
  }
}

function createFieldValidation(): ValidationPipe {
  cacheValidationMetadata();
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => invalidInput(flatten(errors)),
  });
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

const BUILT_IN = new Set<unknown>([String, Number, Boolean, Object, Array]);

function isDeclaredClass(metatype: unknown): boolean {
  return typeof metatype === 'function' && !BUILT_IN.has(metatype);
}

/** The value's key structure (objects and arrays; leaves as null), as the request sent it. */
type KeyTree = null | KeyTree[] | { [key: string]: KeyTree };

function keysOf(value: unknown): KeyTree {
  if (Array.isArray(value)) return value.map(keysOf);
  if (!isRecord(value)) return null;
  return Object.fromEntries(Object.keys(value).map((key) => [key, keysOf(value[key])]));
}

/**
 * The keys of the request that the validated value lacks: class-transformer skips keys whose
 * name resolves to a function or accessor on the class (every Object.prototype member) before
 * class-validator's whitelist could see them. Walks the declared nested classes, not free-form
 * values (those are passed as they came).
 */
function unknownKeys(sent: KeyTree, validated: unknown, path: string): FieldProblem[] {
  if (Array.isArray(sent))
    return Array.isArray(validated)
      ? sent.flatMap((item, i) => unknownKeys(item, validated[i], fieldPath(path, i)))
      : [];
  if (sent === null || !isRecord(validated) || !isDeclaredClass(validated.constructor)) return [];
  return Object.keys(sent).flatMap((key) => {
    const at = fieldPath(path, key);
    if (!Object.prototype.hasOwnProperty.call(validated, key)) return [unknownField(at)];
    return unknownKeys(sent[key]!, validated[key], at);
  });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

export function flatten(errors: ValidationError[], parent = ''): FieldProblem[] {
  return errors.flatMap((error) => {
    const field = pathOf(parent, error.property);
    const own = Object.entries(error.constraints ?? {}).map(([rule, message]) =>
      rule === 'whitelistValidation'
        ? unknownField(field)
        : { field, rule, message: message.replace(error.property, field) },
    );
    return [...own, ...flatten(error.children ?? [], field)];
  });
}

/** The problem of a field the request may not carry (what `whitelist` validation reports). */
export function unknownField(field: string): FieldProblem {
  return { field, rule: 'unknownField', message: `${field} is not a known field` };
}

function pathOf(parent: string, property: string): string {
  if (!parent) return property;
  return /^\d+$/.test(property) ? `${parent}[${property}]` : `${parent}.${property}`;
}
