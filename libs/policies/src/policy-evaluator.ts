import type {
  GateOutcome,
  PolicyEvaluation,
  PolicyEvaluationInput,
  PolicyRuleSet,
  PolicyViolation,
} from './policy-evaluation';

/**
 * Decides whether a target stage's policy holds for one digest. Pure: everything it needs is in
 * its input, so promotion requests, readiness answers and tests all get the same verdict.
 */
export class PolicyEvaluator {
  evaluate(input: PolicyEvaluationInput): PolicyEvaluation {
    const gates = checkGates(input);
    const violations: PolicyViolation[] = [
      ...checkSource(input),
      ...gates.violations,
      ...checkApprovals(input),
      ...checkTags(input),
      ...checkReferrers(input),
      ...checkPlatformReferrers(input),
    ];
    return {
      ready: violations.length === 0,
      satisfied: gates.satisfied,
      missing: gates.missing,
      failed: gates.failed,
      violations,
    };
  }
}

/** The pattern as the policy means it: the whole tag must match. Null when it does not compile. */
export function compileTagPattern(pattern: string): RegExp | null {
  try {
    return new RegExp(`^(?:${pattern})$`, 'u');
  } catch {
    return null;
  }
}

function checkSource({ policy, sourceStage }: PolicyEvaluationInput): PolicyViolation[] {
  if (policy.allowedSourceStages.length === 0) return [];
  const allowed = policy.allowedSourceStages.join(', ');
  if (sourceStage === undefined) {
    return [
      {
        rule: 'sourceStage',
        field: 'source',
        message: `The source stage is required; this stage admits images from ${allowed}`,
      },
    ];
  }
  if (policy.allowedSourceStages.includes(sourceStage)) return [];
  return [
    {
      rule: 'sourceStage',
      field: 'source',
      message: `Images may not come from stage "${sourceStage}"; allowed: ${allowed}`,
    },
  ];
}

function checkGates(input: PolicyEvaluationInput) {
  const latest = new Map(input.latestGates.map((g) => [g.gate, statusOf(g, input)]));
  const satisfied: string[] = [];
  const missing: string[] = [];
  const failed: string[] = [];
  const violations: PolicyViolation[] = [];
  for (const gate of unique(input.policy.requiredGates)) {
    const status = latest.get(gate);
    if (status === 'passed') {
      satisfied.push(gate);
    } else if (status === 'failed') {
      failed.push(gate);
      violations.push({
        rule: 'requiredGate',
        message: `Required gate "${gate}" failed (its newest result)`,
      });
    } else if (status === 'selfApproved') {
      missing.push(gate);
      violations.push({
        rule: 'requiredGate',
        message: `Required approval gate "${gate}" is approved only by who registered the image or requested the promotion`,
      });
    } else {
      missing.push(gate);
      violations.push({
        rule: 'requiredGate',
        message: `Required gate "${gate}" has no result yet`,
      });
    }
  }
  return { satisfied, missing, failed, violations };
}

/**
 * A CI gate's status is its newest result. An approval gate passes when any approver four-eyes
 * does not exclude has a passed approval on it: one principal's approval is not made void by
 * another's, and an excluded principal's never counts.
 */
function statusOf(
  outcome: GateOutcome,
  { approvals, excludedPrincipals }: PolicyEvaluationInput,
): GateOutcome['status'] | 'selfApproved' {
  if (!outcome.approval) return outcome.status;
  const passed = approvals.filter((a) => a.gate === outcome.gate && a.status === 'passed');
  if (passed.some((a) => !excludedPrincipals.includes(a.approverId))) return 'passed';
  return passed.length > 0 ? 'selfApproved' : 'failed';
}

function checkApprovals({
  policy,
  approvals,
  excludedPrincipals,
}: PolicyEvaluationInput): PolicyViolation[] {
  if (policy.approvalsRequired <= 0) return [];
  const excluded = new Set(excludedPrincipals);
  const passed = new Set(approvals.filter((a) => a.status === 'passed').map((a) => a.approverId));
  const counted = [...passed].filter((id) => !excluded.has(id));
  if (counted.length >= policy.approvalsRequired) return [];
  const ignored = [...passed].filter((id) => excluded.has(id)).length;
  const note =
    ignored > 0
      ? ` (${ignored} not counted: the approver registered the image or requested the promotion)`
      : '';
  return [
    {
      rule: 'approvals',
      message: `${policy.approvalsRequired} approval(s) by distinct approvers required, ${counted.length} counted${note}`,
    },
  ];
}

function checkTags({
  policy,
  requestedTags,
  existingTargetTags,
  digest,
}: PolicyEvaluationInput): PolicyViolation[] {
  const violations: PolicyViolation[] = [];
  const pattern = policy.tagPattern === null ? null : compileTagPattern(policy.tagPattern);
  requestedTags.forEach((tag, index) => {
    const field = `tags[${index}]`;
    if (policy.tagPattern !== null && !pattern?.test(tag)) {
      violations.push({ rule: 'tagPattern', field, message: tagPatternMessage(tag, policy) });
    }
    if (policy.forbidLatest && tag === 'latest') {
      violations.push({
        rule: 'latestForbidden',
        field,
        message: 'The tag "latest" is not allowed in this stage',
      });
    }
    const current = existingTargetTags.get(tag);
    if (policy.immutableTags && current !== undefined && current !== digest) {
      violations.push({
        rule: 'immutableTag',
        field,
        message: `Tag "${tag}" already points at ${current}; tags in this stage are immutable`,
      });
    }
  });
  return violations;
}

function tagPatternMessage(tag: string, policy: PolicyRuleSet): string {
  return compileTagPattern(policy.tagPattern ?? '') === null
    ? `The stage's tag pattern /${policy.tagPattern}/ is not a valid regular expression, so no tag is allowed`
    : `Tag "${tag}" does not match the stage's tag pattern /^(?:${policy.tagPattern})$/`;
}

function checkReferrers({ policy, referrerTypes }: PolicyEvaluationInput): PolicyViolation[] {
  const present = new Set(referrerTypes);
  return unique(policy.requiredReferrers)
    .filter((type) => !present.has(type))
    .map((type) => ({
      rule: 'requiredReferrer' as const,
      message: `A referrer of type ${type} is required and none is present`,
    }));
}

/** One violation per platform manifest and artifact type it lacks, naming both. */
function checkPlatformReferrers({
  policy,
  platformReferrers,
}: PolicyEvaluationInput): PolicyViolation[] {
  const required = unique(policy.requiredPlatformReferrers);
  return platformReferrers.flatMap((manifest) => {
    const present = new Set(manifest.referrerTypes);
    const what = manifest.platform
      ? `Platform ${manifest.platform} (${manifest.digest})`
      : `The image ${manifest.digest}`;
    return required
      .filter((type) => !present.has(type))
      .map((type) => ({
        rule: 'requiredPlatformReferrer' as const,
        message: `${what} has no referrer of type ${type}; every platform manifest must have one`,
      }));
  });
}

function unique(values: readonly string[]): string[] {
  return [...new Set(values)];
}
