import { AirlockError } from '@airlock/errors';
import {
  checkJsonDocument,
  invalidInput,
  type FieldProblem,
  type FieldRule,
} from '@airlock/validation';
import {
  ValidationPipe,
  type ArgumentMetadata,
  type PipeTransform,
  type ValidationError,
} from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { getMetadataStorage } from 'class-validator';
import {
  checkSentFields,
  isDeclaredClass,
  sentTreeOf,
  unknownField,
  type SentTree,
} from './sent-fields';
import { cacheValidationMetadata } from './validation-metadata-cache';

/**
 * Global validation of what a route takes from the request: unknown fields are refused (not
 * silently dropped), values are converted to the declared types, and every broken rule is
 * reported with its field path. What class-validator alone gets wrong is checked here: a route
 * that takes a body refuses a request without one (instead of validating `{}` and applying the
 * defaults — a PUT of nothing would wipe a policy); query and path values may not hold NUL; and
 * the fields the request sent are held to the document (checkSentFields: prototype-named keys
 * are unknown fields, null only where nullable, an object is not an array).
 */
export class RequestValidationPipe implements PipeTransform {
  private readonly fields = createFieldValidation();

  async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type === 'custom') return value;
    if (metadata.type === 'body' && value === undefined) throw missingBody();
    if (metadata.type !== 'body') throwIfAny(checkJsonDocument(namedValue(value, metadata), ''));
    if (!isDeclaredClass(metadata.metatype)) return this.fields.transform(value, metadata);
    // A class that only documents the input (no rules of its own): its service reads it.
    if (!declaresRules(metadata.metatype)) return value;
    const sent = sentTreeOf(value);
    try {
      const validated: unknown = await this.fields.transform(value, metadata);
      throwIfAny(checkSentFields(sent, validated));
      return validated;
    } catch (error) {
      // Other rules broke as well: the request still hears about every field at fault.
      throw withSentFieldProblems(error, sent, metadata.metatype, value);
    }
  }
}

function declaresRules(metatype: new () => object): boolean {
  return getMetadataStorage().getTargetValidationMetadatas(metatype, '', true, false).length > 0;
}

function withSentFieldProblems(
  error: unknown,
  sent: SentTree,
  metatype: new () => object,
  value: unknown,
): unknown {
  if (!(error instanceof AirlockError) || error.code !== 'INVALID_INPUT') return error;
  const reported = (error.details.errors as FieldProblem[] | undefined) ?? [];
  const seen = new Set(reported.map((p) => `${p.field} ${p.rule}`));
  const more = checkSentFields(sent, plainToInstance(metatype, value)).filter(
    (p) => !seen.has(`${p.field} ${p.rule}`) && !seen.has(`${p.field} unknownField`),
  );
  return more.length > 0 ? invalidInput([...reported, ...more]) : error;
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

export function flatten(errors: ValidationError[], parent = ''): FieldProblem[] {
  return errors.flatMap((error) => {
    const field = pathOf(parent, error.property);
    const own = Object.entries(error.constraints ?? {}).map(([rule, message]) =>
      rule === 'whitelistValidation'
        ? unknownField(field)
        : // class-validator's own rule names, until the services read every input themselves.
          { field, rule: rule as FieldRule, message: message.replace(error.property, field) },
    );
    return [...own, ...flatten(error.children ?? [], field)];
  });
}

function pathOf(parent: string, property: string): string {
  if (!parent) return property;
  return /^\d+$/.test(property) ? `${parent}[${property}]` : `${parent}.${property}`;
}
