import { throwIfInvalid as throwProblems, type FieldProblem as Problem } from '@airlock/validation';

/**
 * @deprecated What libs/mirror still builds its own checks with (rule names outside
 * FIELD_RULES among them): the mirror conversion reads its input with @airlock/validation's
 * readers and drops this. Images itself uses @airlock/validation's FieldProblem.
 */
export type FieldProblem = Omit<Problem, 'rule'> & { rule: string };

/** @deprecated See FieldProblem: @airlock/validation's throwIfInvalid, for the same callers. */
export function throwIfInvalid(problems: FieldProblem[]): void {
  throwProblems(problems as Problem[]);
}
