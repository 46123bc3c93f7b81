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
    const [policy, standings] = await this.read([digest], query);
    return this.judge(policy, digest, standings.get(digest)!, query, context);
  }

  /**
   * Each of `digests` held to one stage's policy from the ledger alone (a board column): the
   * policy read once and the ledger in three statements, whatever the number of digests.
   */
  async assessMany(digests: readonly string[], query: ReadinessQuery): Promise<Assessment[]> {
    const [policy, standings] = await this.read(digests, query);
    return digests.map((digest) => this.judge(policy, digest, standings.get(digest)!, query, {}));
  }

  /** The policy and the digests' standings on one connection, sent together: one round trip. */
  private read(
    digests: readonly string[],
    query: ReadinessQuery,
  ): Promise<[StagePolicy, Map<string, LedgerStanding>]> {
    return this.transactions.readTogether([
      (tx) => this.policies.forStage(query.stage, tx),
      (tx) => this.gates.standings(digests, tx),
    ]);
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
