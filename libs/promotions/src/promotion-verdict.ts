import { tagConflictError, type TagConflict } from '@airlock/copy';
import { AirlockError } from '@airlock/errors';
import type { Assessment } from '@airlock/policies';
import type { Resolved, Survey } from './promotion-resolver';

/**
 * Why the policy refuses: an immutable tag that already points at another digest is the one
 * TAG_CONFLICT (whichever layer sees it); anything else is POLICY_UNMET. Both list every violation.
 */
export function refusal(
  stage: string,
  digest: string,
  assessment: Assessment,
  clashes: TagConflict[],
): AirlockError {
  const { evaluation } = assessment;
  const verdict = {
    stage,
    digest,
    missing: evaluation.missing,
    failed: evaluation.failed,
    satisfied: evaluation.satisfied,
    violations: evaluation.violations,
  };
  // The evaluator raises immutableTag exactly for the clashes it was given.
  const conflicts = evaluation.violations.some((v) => v.rule === 'immutableTag') ? clashes : [];
  if (conflicts.length > 0) return tagConflictError(conflicts, verdict);
  return new AirlockError(
    'POLICY_UNMET',
    `The policy of stage "${stage}" does not admit ${digest}: ${evaluation.violations.map((v) => v.message).join('; ')}`,
    { details: verdict },
  );
}

/** Requested tags that point at another digest in a target registry now (live or as recorded). */
export function tagClashes(
  resolved: Resolved,
  { plans, recorded }: Pick<Survey, 'plans' | 'recorded'>,
): TagConflict[] {
  const clashes = new Map<string, TagConflict>();
  const add = (registry: string, tag: string, digest: string) => {
    if (digest === resolved.digest) return;
    clashes.set(`${registry}:${tag}`, {
      registry,
      repository: resolved.targetRepository,
      tag,
      digest,
      requestedDigest: resolved.digest,
    });
  };
  for (const row of recorded) {
    const target = resolved.targets.find((t) => t.registry.id === row.registryId);
    if (target) add(target.registry.name, row.tag, row.digest);
  }
  plans.forEach((plan, i) => {
    for (const collision of plan.tagCollisions)
      add(resolved.targets[i]!.registry.name, collision.tag, collision.currentDigest);
  });
  return [...clashes.values()].sort(
    (a, b) => a.registry.localeCompare(b.registry) || a.tag.localeCompare(b.tag),
  );
}

/** The gate results and approvals that satisfied the policy, stored with the promotion. */
export function evidenceOf(assessment: Assessment): unknown[] {
  return [
    ...assessment.latestGates.map((g) => ({
      gate: g.gate,
      status: g.status,
      approval: g.approval,
      resultId: g.id,
      url: g.url,
      recordedBy: g.recordedByName,
      recordedAt: g.recordedAt,
    })),
    ...assessment.approvers.map((a) => ({
      gate: a.gate,
      status: a.status,
      approval: true,
      approver: a.approverName ?? a.approverId,
    })),
  ];
}
