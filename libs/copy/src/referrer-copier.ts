import { AirlockError } from '@airlock/errors';
import {
  MediaType,
  type Descriptor,
  type OciRegistry,
  type RawManifest,
} from '@airlock/registry-client';
import { copyBlob, type BlobRoute } from './blob-copier';
import type { ReferrerSelection } from './copy-types';
import { referrersTag, sha256Digest } from './digest';
import { mapLimit } from './map-limit';
import { readNode } from './source-tree';
import { assertSameDigest } from './tag-writer';

/**
 * Copies the referrers of `subject` (signatures, SBOMs, attestations): their blobs, then their
 * manifests by digest. A target without the referrers API learns about them through the
 * `sha256-<hex>` tag fallback index, which is merged, never replaced.
 */
export async function copyReferrers(
  route: BlobRoute,
  subject: string,
  selection: ReferrerSelection,
  concurrency: number,
): Promise<{ referrers: Descriptor[]; manifestsWritten: number }> {
  const found = await route.source.registry.referrers(route.source.repository, subject);
  const wanted = selection.artifactTypes
    ? found.filter((r) => r.artifactType && selection.artifactTypes!.includes(r.artifactType))
    : found;
  // Only what the target does not list yet: a re-run costs two listings, not a re-copy.
  const listed = new Set(
    (await route.target.registry.referrers(route.target.repository, subject)).map((d) => d.digest),
  );
  const missing = wanted.filter((r) => !listed.has(r.digest));
  let manifestsWritten = 0;
  for (const referrer of missing) {
    const node = await readNode(route.source.registry, route.source.repository, referrer.digest);
    if (node.parsed.kind === 'image') {
      const blobs = [node.parsed.config, ...node.parsed.layers];
      await mapLimit(blobs, concurrency, (blob) => copyBlob(route, blob));
    }
    const written = await route.target.registry.putManifest(
      route.target.repository,
      referrer.digest,
      node.raw,
    );
    assertSameDigest(
      route.target.registry,
      `referrer ${referrer.digest}`,
      referrer.digest,
      written,
    );
    manifestsWritten++;
  }
  if (missing.length > 0)
    manifestsWritten += await updateFallbackIndex(route.target, subject, missing);
  return { referrers: wanted, manifestsWritten };
}

async function updateFallbackIndex(
  target: { registry: OciRegistry; repository: string },
  subject: string,
  referrers: Descriptor[],
): Promise<number> {
  const listed = new Set(
    (await target.registry.referrers(target.repository, subject)).map((d) => d.digest),
  );
  const missing = referrers.filter((r) => !listed.has(r.digest));
  if (missing.length === 0) return 0; // the registry indexes referrers itself (referrers API)
  const tag = referrersTag(subject);
  const index = await existingIndex(target.registry, target.repository, tag);
  index.manifests.push(...missing);
  const bytes = Buffer.from(JSON.stringify(index));
  const manifest: RawManifest = {
    mediaType: MediaType.OciIndex,
    digest: sha256Digest(bytes),
    bytes,
  };
  await target.registry.putManifest(target.repository, tag, manifest);
  return 1;
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
