import { AirlockError } from '@airlock/errors';
import { ValidationPipe, type ValidationError } from '@nestjs/common';
import type { FieldProblem } from './problem';
import { cacheValidationMetadata } from './validation-metadata-cache';

/**
 * Global validation: unknown fields are refused (not silently dropped), values are converted to
 * the declared types, and every broken rule is reported with its field path.
 */
export function createValidationPipe(): ValidationPipe {
  cacheValidationMetadata();
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => {
      const problems = flatten(errors);
      const detail = problems.map((p) => p.message).join('; ');
      return new AirlockError('INVALID_INPUT', detail || 'invalid input', {
        details: { errors: problems },
      });
    },
  });
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
