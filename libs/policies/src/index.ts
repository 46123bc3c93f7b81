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
  MAX_APPROVALS,
  MAX_LIST_ITEMS,
  MAX_TAG_PATTERN_LENGTH,
  STAGE_NAME_PATTERN,
  TAG_PATTERN,
  type ReadinessQuery,
} from './policy-rules';
export { rulesOf, type StagePolicy } from './policy-view';
export { PoliciesModule } from './policies.module';
export { PoliciesService } from './policies.service';
export {
  ReadinessService,
  type Assessment,
  type AssessmentRequest,
  type ReadinessContext,
} from './readiness.service';
