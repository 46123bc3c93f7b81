import {
  checkDigest,
  GatesService,
  type Approver,
  type GateRecord,
  type LedgerStanding,
} from '@airlock/gates';
import { TransactionRunner } from '@airlock/persistence';
import { Injectable } from '@nestjs/common';
import { PoliciesService } from './policies.service';
import type { PlatformReferrers, PolicyEvaluation } from './policy-evaluation';
import { PolicyEvaluator } from './policy-evaluator';
import { readReadinessQuery, type ReadinessQuery } from './policy-rules';
import type { StagePolicy } from './policy-view';

/** What only a promotion request knows: who asks, and what the registries hold now. */
export interface ReadinessContext {
  /** The principal requesting the promotion: four-eyes never counts their approval. */
  requester?: string;
  /** What the target's tags point at now (tag → digest). */
  existingTargetTags?: ReadonlyMap<string, string>;
  /** Artifact types of the referrers present at the source. */
  referrerTypes?: readonly string[];
  /** The platform manifests at the source (a single image: itself) with their referrers. */
  platformReferrers?: readonly PlatformReferrers[];
}

/** One digest to judge against a stage's policy, with what its request knows. */
export interface AssessmentRequest {
  digest: string;
  query: ReadinessQuery;
  context?: ReadinessContext;
}

/** A verdict and the ledger entries it was made from (a promotion stores them as evidence). */
export interface Assessment {
  policy: StagePolicy;
  evaluation: PolicyEvaluation;
  latestGates: GateRecord[];
  approvers: Approver[];
}

/**
 * "Would a promotion of this digest into `stage` be accepted now?" — the stored policy and the
 * ledger fed to the PolicyEvaluator. The readiness route answers from the ledger alone (no tags,
 * no referrers known); a promotion request adds the registries' state and its requester.
 */
@Injectable()
export class ReadinessService {
  private readonly evaluator = new PolicyEvaluator();

  constructor(
    private readonly policies: PoliciesService,
    private readonly gates: GatesService,
    private readonly transactions: TransactionRunner,
  ) {}

  /** `GET /gates/{digest}/readiness?stage=…&source=…&tags=…`, path and query as they came. */
  async evaluate(digest: unknown, query: unknown): Promise<PolicyEvaluation> {
    const checked = checkDigest(digest);
    return (await this.assess(checked, readReadinessQuery(query))).evaluation;
  }

  async assess(
    digest: string,
    query: ReadinessQuery,
    context: ReadinessContext = {},
  ): Promise<Assessment> {
    return (await this.assessEach([{ digest, query, context }]))[0]!;
  }

  /**
   * Each of `digests` held to one stage's policy from the ledger alone (a board column): the
   * policy read once and the ledger in three statements, whatever the number of digests.
   */
  assessMany(digests: readonly string[], query: ReadinessQuery): Promise<Assessment[]> {
    return this.assessEach(digests.map((digest) => ({ digest, query })));
  }

  /**
   * Each request judged with its own context (a release's items): every stage's policy and
   * every digest's standing read once, in one round trip, however many requests.
   */
  async assessEach(requests: readonly AssessmentRequest[]): Promise<Assessment[]> {
    const stages = [...new Set(requests.map((r) => r.query.stage))];
    const digests = [...new Set(requests.map((r) => r.digest))];
    const [policies, standings] = await this.transactions.readTogether([
      (tx) => Promise.all(stages.map((stage) => this.policies.forStage(stage, tx))),
      (tx) => this.gates.standings(digests, tx),
    ]);
    const policyOf = new Map(stages.map((stage, i) => [stage, policies[i]!]));
    return requests.map(({ digest, query, context = {} }) =>
      this.judge(policyOf.get(query.stage)!, digest, standings.get(digest)!, query, context),
    );
  }

  private judge(
    policy: StagePolicy,
    digest: string,
    { latestGates, approvers, principals }: LedgerStanding,
    query: ReadinessQuery,
    context: ReadinessContext,
  ): Assessment {
    const excluded = [...principals.registeredBy, ...principals.requestedBy];
    if (context.requester) excluded.push(context.requester);
    const evaluation = this.evaluator.evaluate({
      policy,
      digest,
      latestGates: latestGates.map((r) => ({
        gate: r.gate,
        status: r.status,
        approval: r.approval,
      })),
      approvals: approvers,
      excludedPrincipals: excluded,
      sourceStage: query.source,
      requestedTags: query.tags ?? [],
      existingTargetTags: context.existingTargetTags ?? new Map(),
      referrerTypes: context.referrerTypes ?? [],
      // Without registry state the image counts as one manifest with no referrers known, as
      // every requiredReferrer counts as missing then.
      platformReferrers: context.platformReferrers ?? [{ digest, referrerTypes: [] }],
    });
    return { policy, evaluation, latestGates, approvers };
  }
}
