import { AirlockError } from '@airlock/errors';
import {
  MediaType,
  type Descriptor,
  type OciRegistry,
  type RawManifest,
} from '@airlock/registry-client';
import type { BlobRoute } from './blob-copier';
import type { CarriedReferrer, ReferrerSelection } from './copy-types';
import { referrersTag, sha256Digest } from './digest';
import { mapLimit } from './map-limit';
import { serializeTagUpdate } from './tag-updates';
import { findReferrers, type FoundReferrer } from './referrer-walk';
import { collectTree } from './source-tree';
import { assertSameDigest } from './tag-writer';

interface Place {
  registry: OciRegistry;
  repository: string;
}

/** The referrers a copy carries, and which of them the target lacks. */
export interface ReferrerPlan {
  carried: CarriedReferrer[];
  /** To write, in the order found: a referrer's subject is always written before it. */
  missing: FoundReferrer[];
  /** Every manifest of every referrer (an index referrer's children first), for pinning. */
  manifests: RawManifest[];
}

export const NO_REFERRERS: ReferrerPlan = { carried: [], missing: [], manifests: [] };

/**
 * The referrers of `subjects` (and theirs) at the source, and what the target lists already:
 * one listing per subject on each side. Reads only.
 */
export async function planReferrers(
  route: Pick<BlobRoute, 'source' | 'target'>,
  subjects: string[],
  selection: ReferrerSelection,
  concurrency: number,
): Promise<ReferrerPlan> {
  const found = await findReferrers(route.source, subjects, selection, concurrency);
  const listed = await listedAt(route.target, found, concurrency);
  return {
    carried: found.map((f) => ({
      ...f.descriptor,
      subject: f.subject,
      action: listed.has(f.descriptor.digest) ? 'skip' : 'copy',
    })),
    // Only what the target does not list yet: a re-run costs the listings, not a re-copy.
    missing: found.filter((f) => !listed.has(f.descriptor.digest)),
    manifests: found.flatMap((f) => collectTree(f.node).manifests),
  };
}

/**
 * The blobs the missing referrers need, each once (signatures share their empty config), and
 * none of `besides` (the image's own, copied with them).
 */
export function referrerBlobs(plan: ReferrerPlan, besides: Descriptor[] = []): Descriptor[] {
  const blobs = new Map<string, Descriptor>();
  for (const referrer of plan.missing)
    for (const blob of collectTree(referrer.node).blobs) blobs.set(blob.digest, blob);
  for (const blob of besides) blobs.delete(blob.digest);
  return [...blobs.values()].sort((a, b) => b.size - a.size);
}

/**
 * Writes the missing referrers' manifests (their blobs are already there) level by level, so a
 * referrer of a referrer comes after its subject: an index referrer's children, the referrer,
 * then the subject's `sha256-<hex>` fallback index, which is merged, never replaced, for a
 * target without the referrers API. Answers the number of manifests written.
 *
 * One subject at a time, each manifest once: distribution's filesystem driver rewrites a
 * manifest's link in place on every PUT (truncate, then write), so an index PUT checking a
 * child that another request is writing at that moment fails with DIGEST_INVALID.
 */
export async function writeReferrers(route: BlobRoute, plan: ReferrerPlan): Promise<number> {
  const done = new Set<string>();
  let written = 0;
  for (const level of byDepth(plan.missing)) {
    for (const [subject, referrers] of groupBySubject(level)) {
      route.signal?.throwIfAborted();
      written += await writeForSubject(route.target, subject, referrers, done);
    }
  }
  return written;
}

async function writeForSubject(
  target: Place,
  subject: string,
  referrers: FoundReferrer[],
  done: Set<string>,
): Promise<number> {
  let written = 0;
  for (const referrer of referrers) {
    for (const manifest of collectTree(referrer.node).manifests) {
      if (done.has(manifest.digest)) continue;
      const digest = await target.registry.putManifest(
        target.repository,
        manifest.digest,
        manifest,
      );
      assertSameDigest(target.registry, `referrer ${manifest.digest}`, manifest.digest, digest);
      done.add(manifest.digest);
      written++;
    }
  }
  const listed = referrers.map((r) => r.descriptor);
  return written + (await updateFallbackIndex(target, subject, listed));
}

async function listedAt(
  target: Place,
  found: FoundReferrer[],
  concurrency: number,
): Promise<Set<string>> {
  const subjects = [...new Set(found.map((f) => f.subject))];
  const lists = await mapLimit(subjects, concurrency, (subject) =>
    target.registry.referrers(target.repository, subject),
  );
  return new Set(lists.flat().map((d) => d.digest));
}

function byDepth(referrers: FoundReferrer[]): FoundReferrer[][] {
  const levels: FoundReferrer[][] = [];
  for (const referrer of referrers) (levels[referrer.depth - 1] ??= []).push(referrer);
  return levels.filter(Boolean);
}

function groupBySubject(referrers: FoundReferrer[]): Map<string, FoundReferrer[]> {
  const groups = new Map<string, FoundReferrer[]>();
  for (const referrer of referrers) {
    const group = groups.get(referrer.subject) ?? [];
    group.push(referrer);
    groups.set(referrer.subject, group);
  }
  return groups;
}

/**
 * Lists `referrers` (already written, each with `subject`) as referrers of `subject` where the
 * registry does not do it itself: merged into the subject's `sha256-<hex>` fallback index, never
 * replacing what it lists. Answers 1 when the index was written, 0 when nothing was missing.
 */
export async function updateFallbackIndex(
  target: Place,
  subject: string,
  referrers: Descriptor[],
): Promise<number> {
  const { registry, repository } = target;
  const tag = referrersTag(subject);
  return serializeTagUpdate({ origin: registry.origin, repository, tag }, async () => {
    const listed = new Set((await registry.referrers(repository, subject)).map((d) => d.digest));
    const missing = referrers.filter((r) => !listed.has(r.digest));
    if (missing.length === 0) return 0; // the registry indexes referrers itself (referrers API)
    const index = await existingIndex(registry, repository, tag);
    index.manifests.push(...missing);
    const bytes = Buffer.from(JSON.stringify(index));
    const manifest: RawManifest = {
      mediaType: MediaType.OciIndex,
      digest: sha256Digest(bytes),
      bytes,
    };
    await registry.putManifest(repository, tag, manifest);
    return 1;
  });
}

interface FallbackIndex {
  schemaVersion: 2;
  mediaType: string;
  manifests: Descriptor[];
}

async function existingIndex(
  registry: OciRegistry,
  repository: string,
  tag: string,
): Promise<FallbackIndex> {
  try {
    const raw = await registry.getManifest(repository, tag);
    const index = JSON.parse(raw.bytes.toString('utf8')) as Partial<FallbackIndex>;
    return {
      schemaVersion: 2,
      mediaType: MediaType.OciIndex,
      manifests: Array.isArray(index.manifests) ? index.manifests : [],
    };
  } catch (error) {
    if (error instanceof AirlockError && error.code === 'REGISTRY_NOT_FOUND') {
      return { schemaVersion: 2, mediaType: MediaType.OciIndex, manifests: [] };
    }
    throw error;
  }
}
