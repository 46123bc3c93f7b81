import type { Descriptor, OciRegistry, Platform } from '@airlock/registry-client';

export interface CopySource {
  registry: OciRegistry;
  repository: string;
  digest: string;
}

export interface CopyTarget {
  registry: OciRegistry;
  repository: string;
  /** Tags to point at the copied digest, written last. */
  tags?: string[];
}

export interface ReferrerSelection {
  /**
   * Only referrers of these artifact types (all when omitted), among those of the copied
   * manifests; what refers to a selected referrer (a signature on an SBOM) travels with it.
   */
  artifactTypes?: string[];
}

export interface CopyOptions {
  /**
   * Copy only these platforms of an index. The result is a new index (another digest) holding
   * just those entries — an explicit mode, reported as `mode: 'platform-subset'`.
   */
  platforms?: Platform[];
  /**
   * Copy the referrers (signatures, SBOMs, attestations) of every manifest copied — the root and
   * each platform manifest — and, in turn, the referrers of those referrers.
   */
  referrers?: boolean | ReferrerSelection;
  /**
   * Tags every manifest the copy carries (the root, its platform manifests, every referrer and an
   * index referrer's children) with `pinTag(digest)`, after the referrers and before
   * `target.tags`: a registry whose garbage collection deletes untagged manifests (distribution
   * 2.8 `garbage-collect --delete-untagged`) deletes them even when a tagged index lists them.
   */
  pinTag?: (digest: string) => string;
  /** When a target tag points at another digest: overwrite it (true) or fail with TAG_CONFLICT (default). */
  allowTagOverwrite?: boolean;
  /** Blobs transferred at once for this copy (default 6). */
  concurrency?: number;
  /** Repositories of the target registry known to hold blobs, tried as mount sources. */
  mountFrom?: string[];
  /**
   * The target repository was seen to lack the root moments ago (a fresh plan): it is not looked
   * for before the copy starts. If it arrived in between, its manifests are written once more —
   * redundant, never wrong (blobs are asked about by each upload's first request anyway).
   */
  rootAbsent?: boolean;
  /**
   * A fresh plan found none of `target.tags` pointing at another digest: the check before any
   * byte moves is skipped. The check right before the tags are written always runs.
   */
  tagsFree?: boolean;
  /**
   * The caller knows the target holds the root digest (a release's staged item: its copy landed
   * and was verified moments ago), so its presence is not asked; tags are written with the
   * source's bytes of it (the same bytes: they are the digest).
   */
  rootPresent?: boolean;
  /**
   * Runs once the digest, its referrers and pins are in the target and before any tag is
   * written (also when the target held the digest already): what must land with the image
   * before a tag names it (a promotion's signed attestation). A throw fails the copy tagless.
   */
  beforeTags?: () => Promise<void>;
  onProgress?: (progress: CopyProgress) => void;
  signal?: AbortSignal;
}

export interface CopyRequest {
  source: CopySource;
  target: CopyTarget;
  options?: CopyOptions;
}

export type BlobAction = 'copy' | 'mount' | 'skip';

export interface CopyProgress {
  /** Bytes accounted for: streamed, mounted or already present. */
  bytesDone: number;
  bytesTotal: number;
  blobsDone: number;
  blobsTotal: number;
  copied: number;
  mounted: number;
  skipped: number;
}

export type CopyMode = 'image' | 'index' | 'platform-subset';

/** `copy`: the target lacks the referrer (it is, or will be, written); `skip`: the target lists it. */
export type ReferrerAction = 'copy' | 'skip';

/** A referrer a copy carries, as the source lists it, with the manifest it refers to. */
export interface CarriedReferrer extends Descriptor {
  /** The digest its `subject` names: the root, a platform manifest, or another referrer. */
  subject: string;
  action: ReferrerAction;
}

export interface CopyResult {
  sourceDigest: string;
  /** Digest now present in the target: equal to sourceDigest except in platform-subset mode. */
  digest: string;
  mediaType: string;
  mode: CopyMode;
  /** The target already held the digest: nothing was copied (tags may still have been written). */
  alreadyPresent: boolean;
  platforms: Platform[];
  blobs: {
    total: number;
    copied: number;
    mounted: number;
    skipped: number;
    bytesTotal: number;
    bytesCopied: number;
    /** Bytes of blobs mounted from another repository of the target registry (none streamed). */
    bytesMounted: number;
    /** Bytes of blobs the target already had. */
    bytesSkipped: number;
  };
  /** Manifests written (children, the root, referrers). */
  manifestsWritten: number;
  /** Every referrer of every manifest copied, and theirs; `skip` = the target had it. */
  referrers: CarriedReferrer[];
  tags: string[];
  durationMs: number;
}

export interface PlannedBlob {
  digest: string;
  size: number;
  action: BlobAction;
}

/** How a plan learns what the target holds of each blob (CopyEngine.plan). */
export interface PlanOptions {
  /**
   * `ask` (a dry run, the default): the target repository is asked about every blob not planned
   * as a mount — exact. `expect` (a request being accepted): only the memory of where blobs live
   * is consulted — `mount` where another repository of the target registry is remembered to hold
   * the blob, `skip` where the target repository is, else `copy` — and the copy finds out the
   * rest as it goes (each upload's first request asks the target repository; see BlobUploader),
   * so no HEAD per blob is spent before it.
   */
  blobs?: 'ask' | 'expect';
}

/** What a copy would do, computed without writing anything (dry runs, admission). */
export interface CopyPlan {
  sourceDigest: string;
  digest: string;
  mediaType: string;
  mode: CopyMode;
  alreadyPresent: boolean;
  platforms: Platform[];
  blobs: PlannedBlob[];
  bytesToCopy: number;
  bytesTotal: number;
  /** Tags that already point at another digest in the target. */
  tagCollisions: Array<{ tag: string; currentDigest: string }>;
  /** The referrers the copy would carry (`options.referrers`), with what the target lacks. */
  referrers: CarriedReferrer[];
}
