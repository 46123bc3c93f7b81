/** The rules a target stage sets for entering it (what `policies` stores, by value). */
export interface PolicyRuleSet {
  /** Stage names a promotion may come from; empty = any. */
  allowedSourceStages: readonly string[];
  /** Gate names whose newest result must be `passed`. */
  requiredGates: readonly string[];
  /** Distinct approvers needed (four-eyes: never the image's registrant or the promotion's requester). */
  approvalsRequired: number;
  /** A tag that already points at another digest in the target is a conflict, never an overwrite. */
  immutableTags: boolean;
  /** Every requested tag must match it whole (it is anchored); null = any tag. */
  tagPattern: string | null;
  forbidLatest: boolean;
  /** Artifact types of referrers (signatures, SBOMs) the digest itself must have. */
  requiredReferrers: readonly string[];
  /**
   * Artifact types of referrers every platform manifest of an index must have (cosign and
   * notation sign each one); for a single-platform image, the image itself.
   */
  requiredPlatformReferrers: readonly string[];
}

/** One platform manifest of the digest (or the image itself) and what refers to it. */
export interface PlatformReferrers {
  digest: string;
  /** `os/architecture[/variant]` from the index entry; absent for a single-platform image. */
  platform?: string;
  /** Artifact types of its referrers. */
  referrerTypes: readonly string[];
}

export interface GateOutcome {
  gate: string;
  status: 'passed' | 'failed';
  /** An approval gate: it passes only on an approval by a principal four-eyes does not exclude. */
  approval?: boolean;
}

/** One approver's newest approval of the digest (on one approval gate). */
export interface ApprovalOutcome {
  /** The approval gate; approvals on any gate count toward `approvalsRequired`. */
  gate?: string;
  /** The approver's principal (token id). */
  approverId: string;
  approverName?: string | null;
  status: 'passed' | 'failed';
}

export interface PolicyEvaluationInput {
  policy: PolicyRuleSet;
  digest: string;
  /** The newest result per gate for the digest (approval gates included). */
  latestGates: readonly GateOutcome[];
  approvals: readonly ApprovalOutcome[];
  /** Principals whose approvals never count: who registered the image, who requests the promotion. */
  excludedPrincipals: readonly string[];
  /** The stage the image comes from; undefined when not known. */
  sourceStage?: string;
  requestedTags: readonly string[];
  /** What the target's tags point at now (tag → digest). */
  existingTargetTags: ReadonlyMap<string, string>;
  /** Artifact types of the referrers present for the digest. */
  referrerTypes: readonly string[];
  /** Each platform manifest of an index (a single-platform image: itself) with its referrers. */
  platformReferrers: readonly PlatformReferrers[];
}

export const POLICY_RULES = [
  'sourceStage',
  'requiredGate',
  'approvals',
  'tagPattern',
  'latestForbidden',
  'immutableTag',
  'requiredReferrer',
  'requiredPlatformReferrer',
] as const;
export type PolicyRule = (typeof POLICY_RULES)[number];

export interface PolicyViolation {
  rule: PolicyRule;
  message: string;
  /** The request field at fault (`source`, `tags[1]`), when one is. */
  field?: string;
}

export interface PolicyEvaluation {
  /** No violation: the policy holds for this digest now. */
  ready: boolean;
  /** Required gates whose newest result passed. */
  satisfied: string[];
  /** Required gates with no result yet. */
  missing: string[];
  /** Required gates whose newest result failed. */
  failed: string[];
  /** Every rule broken, in the order of POLICY_RULES. */
  violations: PolicyViolation[];
}
