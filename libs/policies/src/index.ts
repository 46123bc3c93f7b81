export {
  POLICY_RULES,
  type ApprovalOutcome,
  type GateOutcome,
  type PlatformReferrers,
  type PolicyEvaluation,
  type PolicyEvaluationInput,
  type PolicyRule,
  type PolicyRuleSet,
  type PolicyViolation,
} from './policy-evaluation';
export { compileTagPattern, PolicyEvaluator } from './policy-evaluator';
export {
  ARTIFACT_TYPE_PATTERN,
  assertValidPolicy,
  MAX_APPROVALS,
  MAX_LIST_ITEMS,
  MAX_TAG_PATTERN_LENGTH,
  STAGE_NAME_PATTERN,
} from './policy-rules';
export { PoliciesModule } from './policies.module';
export { PoliciesService, type StagePolicy } from './policies.service';
export {
  ReadinessService,
  type Assessment,
  type ReadinessContext,
  type ReadinessQuery,
} from './readiness.service';
