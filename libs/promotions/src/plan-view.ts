import type { CopyPlan } from '@airlock/copy';
import type { PolicyEvaluation } from '@airlock/policies';

/** What the copy into one target registry will do, as computed when it was requested. */
export interface TargetPlanView {
  registry: string;
  digest: string;
  mediaType: string;
  mode: string;
  /** The target already holds the digest: only tags (and referrers) remain to write. */
  alreadyPresent: boolean;
  blobs: { total: number; copy: number; mount: number; skip: number };
  bytesToCopy: number;
  bytesTotal: number;
  /** Tags that point at another digest in this registry now. */
  tagCollisions: Array<{ tag: string; currentDigest: string }>;
  blobActions: Array<{ digest: string; size: number; action: string }>;
  /** Every referrer the copy carries, with the manifest it refers to; `copy` = the target lacks it. */
  referrers: ReferrerPlanView[];
}

export interface ReferrerPlanView {
  digest: string;
  mediaType: string;
  artifactType: string | null;
  /** The root, one of its platform manifests, or another referrer. */
  subject: string;
  action: string;
}

/** A dry run's answer: nothing was written. */
export interface DryRunView {
  dryRun: true;
  digest: string;
  /** The policy holds: the same request without dryRun would be accepted now. */
  ready: boolean;
  evaluation: PolicyEvaluation;
  targets: TargetPlanView[];
}

export function toTargetPlan(registry: string, plan: CopyPlan): TargetPlanView {
  const count = (action: string) => plan.blobs.filter((b) => b.action === action).length;
  return {
    registry,
    digest: plan.digest,
    mediaType: plan.mediaType,
    mode: plan.mode,
    alreadyPresent: plan.alreadyPresent,
    blobs: {
      total: plan.blobs.length,
      copy: count('copy'),
      mount: count('mount'),
      skip: count('skip'),
    },
    bytesToCopy: plan.bytesToCopy,
    bytesTotal: plan.bytesTotal,
    tagCollisions: plan.tagCollisions,
    blobActions: plan.blobs.map((b) => ({ digest: b.digest, size: b.size, action: b.action })),
    referrers: plan.referrers.map((r) => ({
      digest: r.digest,
      mediaType: r.mediaType,
      artifactType: r.artifactType ?? null,
      subject: r.subject,
      action: r.action,
    })),
  };
}
