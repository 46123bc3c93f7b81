import { AirlockError } from '@airlock/errors';

/** INVALID_INPUT naming one field and the rule it breaks, in the shape the validation pipe uses. */
export function invalidField(field: string, rule: string, message: string): AirlockError {
  return new AirlockError('INVALID_INPUT', message, {
    details: { errors: [{ field, rule, message }] },
  });
}
