import type {
  PolicyEvaluation,
  PolicyEvaluationInput,
  PolicyRuleSet,
} from '../src/policy-evaluation';
import { PolicyEvaluator } from '../src/policy-evaluator';

// What the PolicyEvaluator specs (libs/policies/src/policy-evaluator*.spec.ts) evaluate: an input
// under which everything is admitted, changed by the rule a spec is about.
export const DIGEST = `sha256:${'a'.repeat(64)}`;
export const OTHER = `sha256:${'b'.repeat(64)}`;

export const OPEN: PolicyRuleSet = {
  allowedSourceStages: [],
  requiredGates: [],
  approvalsRequired: 0,
  immutableTags: false,
  tagPattern: null,
  forbidLatest: false,
  requiredReferrers: [],
  requiredPlatformReferrers: [],
};

export function input(
  policy: Partial<PolicyRuleSet>,
  rest: Partial<PolicyEvaluationInput> = {},
): PolicyEvaluationInput {
  return {
    policy: { ...OPEN, ...policy },
    digest: DIGEST,
    latestGates: [],
    approvals: [],
    excludedPrincipals: [],
    sourceStage: 'ci',
    requestedTags: [],
    existingTargetTags: new Map(),
    referrerTypes: [],
    platformReferrers: [{ digest: DIGEST, referrerTypes: [] }],
    ...rest,
  };
}

export const evaluate = (i: PolicyEvaluationInput): PolicyEvaluation =>
  new PolicyEvaluator().evaluate(i);
export const rulesOf = (e: PolicyEvaluation) => e.violations.map((v) => v.rule);
