import type { PolicyRuleSet } from './policy-evaluation';
import type { PolicyRow, PolicyRules } from './policy.repository';

/** A stage's policy as the API and the audit log show it. */
export interface StagePolicy extends Omit<
  PolicyRuleSet,
  'allowedSourceStages' | 'requiredGates' | 'requiredReferrers' | 'requiredPlatformReferrers'
> {
  stage: string;
  allowedSourceStages: string[];
  requiredGates: string[];
  requiredReferrers: string[];
  requiredPlatformReferrers: string[];
  createdAt: Date;
  updatedAt: Date;
}

/** The rules of a policy, by value, as they are stored. */
export function rulesOf(rules: PolicyRuleSet): PolicyRules {
  return {
    allowedSourceStages: [...rules.allowedSourceStages],
    requiredGates: [...rules.requiredGates],
    approvalsRequired: rules.approvalsRequired,
    immutableTags: rules.immutableTags,
    tagPattern: rules.tagPattern,
    forbidLatest: rules.forbidLatest,
    requiredReferrers: [...rules.requiredReferrers],
    requiredPlatformReferrers: [...rules.requiredPlatformReferrers],
  };
}

export function toStagePolicy(stage: string, row: PolicyRow): StagePolicy {
  return { stage, ...rulesOf(row), createdAt: row.createdAt, updatedAt: row.updatedAt };
}
