import { AirlockError } from '@airlock/errors';
import type { FieldRule } from './rules';

/** One broken rule of one request field: what a 400's `errors` lists (docs/api-errors.md). */
export interface FieldProblem {
  /** Path of the field in the request: `tags[0]`, `details.build.id`, `cursor`, `body`. */
  field: string;
  /** The rule's name, from the one vocabulary (FIELD_RULES, listed in docs/api-errors.md). */
  rule: FieldRule;
  message: string;
}

export function fieldProblem(field: string, rule: FieldRule, message: string): FieldProblem {
  return { field, rule, message };
}

/** The INVALID_INPUT error for the problems found, their messages joined as its detail. */
export function invalidInput(problems: FieldProblem[]): AirlockError {
  return new AirlockError('INVALID_INPUT', problems.map((p) => p.message).join('; '), {
    details: { errors: problems },
  });
}

export function throwIfInvalid(problems: FieldProblem[]): void {
  if (problems.length > 0) throw invalidInput(problems);
}

/** `parent.child`, or `parent[3]` for an array index. */
export function fieldPath(parent: string, key: string | number): string {
  if (typeof key === 'number') return `${parent}[${key}]`;
  return parent ? `${parent}.${key}` : key;
}
