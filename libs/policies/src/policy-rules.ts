import { AirlockError } from '@airlock/errors';
import { GATE_NAME_PATTERN } from '@airlock/gates';
import { compileTagPattern } from './policy-evaluator';
import type { PolicyRuleSet } from './policy-evaluation';

export const STAGE_NAME_PATTERN = /^[a-z0-9][a-z0-9._-]{0,62}$/;
/** RFC 6838 type/subtype, as OCI artifact types are written. */
export const ARTIFACT_TYPE_PATTERN =
  /^[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}\/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}$/;
export const MAX_APPROVALS = 20;
export const MAX_LIST_ITEMS = 50;
export const MAX_TAG_PATTERN_LENGTH = 256;

interface FieldProblem {
  field: string;
  rule: string;
  message: string;
}

/** Every rule a stored policy must keep; INVALID_INPUT naming each field at fault. */
export function assertValidPolicy(policy: PolicyRuleSet): void {
  const problems = [
    ...checkList(
      'allowedSourceStages',
      policy.allowedSourceStages,
      STAGE_NAME_PATTERN,
      'a stage name',
    ),
    ...checkList('requiredGates', policy.requiredGates, GATE_NAME_PATTERN, 'a gate name'),
    ...checkList(
      'requiredReferrers',
      policy.requiredReferrers,
      ARTIFACT_TYPE_PATTERN,
      'an artifact (media) type',
    ),
    ...checkList(
      'requiredPlatformReferrers',
      policy.requiredPlatformReferrers,
      ARTIFACT_TYPE_PATTERN,
      'an artifact (media) type',
    ),
    ...checkApprovals(policy.approvalsRequired),
    ...checkTagPattern(policy.tagPattern),
  ];
  if (problems.length > 0) {
    throw new AirlockError('INVALID_INPUT', problems.map((p) => p.message).join('; '), {
      details: { errors: problems },
    });
  }
}

function checkList(
  field: string,
  values: readonly string[],
  pattern: RegExp,
  what: string,
): FieldProblem[] {
  if (values.length > MAX_LIST_ITEMS)
    return [
      { field, rule: 'arrayMaxSize', message: `${field} holds at most ${MAX_LIST_ITEMS} items` },
    ];
  const problems: FieldProblem[] = values.flatMap((value, index) =>
    pattern.test(value)
      ? []
      : [
          {
            field: `${field}[${index}]`,
            rule: 'matches',
            message: `${field}[${index}] must be ${what}`,
          },
        ],
  );
  if (new Set(values).size !== values.length)
    problems.push({ field, rule: 'arrayUnique', message: `${field} must not repeat a value` });
  return problems;
}

function checkApprovals(count: number): FieldProblem[] {
  return Number.isInteger(count) && count >= 0 && count <= MAX_APPROVALS
    ? []
    : [
        {
          field: 'approvalsRequired',
          rule: 'max',
          message: `approvalsRequired must be an integer from 0 to ${MAX_APPROVALS}`,
        },
      ];
}

function checkTagPattern(pattern: string | null): FieldProblem[] {
  if (pattern === null) return [];
  if (pattern.length === 0 || pattern.length > MAX_TAG_PATTERN_LENGTH) {
    return [
      {
        field: 'tagPattern',
        rule: 'length',
        message: `tagPattern must be 1-${MAX_TAG_PATTERN_LENGTH} characters`,
      },
    ];
  }
  return compileTagPattern(pattern) === null
    ? [
        {
          field: 'tagPattern',
          rule: 'regex',
          message: 'tagPattern must be a valid regular expression',
        },
      ]
    : [];
}
