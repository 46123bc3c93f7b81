import { GatesService } from '@airlock/gates';
import { DigestPrincipalsLookup } from '@airlock/persistence';
import { Injectable } from '@nestjs/common';
import { PoliciesService } from './policies.service';
import type { PolicyEvaluation } from './policy-evaluation';
import { PolicyEvaluator } from './policy-evaluator';

export interface ReadinessQuery {
  /** The target stage, whose policy applies. */
  stage: string;
  /** The stage the image would come from. */
  source?: string;
  tags?: readonly string[];
}

/**
 * "Would a promotion of this digest into `stage` be accepted now?" — the stored policy and the
 * ledger fed to the PolicyEvaluator. Until images, promotions and tags are tracked, the target's
 * existing tags and the referrers present are empty, and the excluded approvers are those the
 * `images`/`promotions` tables name (none yet).
 */
@Injectable()
export class ReadinessService {
  private readonly evaluator = new PolicyEvaluator();

  constructor(
    private readonly policies: PoliciesService,
    private readonly gates: GatesService,
    private readonly principals: DigestPrincipalsLookup,
  ) {}

  async evaluate(digest: string, query: ReadinessQuery): Promise<PolicyEvaluation> {
    const latest = await this.gates.latest(digest);
    const policy = await this.policies.get(query.stage);
    const [approvers, principals] = await Promise.all([
      this.gates.approvers(digest),
      this.principals.of(digest),
    ]);
    return this.evaluator.evaluate({
      policy,
      digest,
      latestGates: latest.map((r) => ({ gate: r.gate, status: r.status, approval: r.approval })),
      approvals: approvers,
      excludedPrincipals: [...principals.registeredBy, ...principals.requestedBy],
      sourceStage: query.source,
      requestedTags: query.tags ?? [],
      existingTargetTags: new Map(),
      referrerTypes: [],
    });
  }
}
