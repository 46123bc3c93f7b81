import type { PlatformReferrers } from '@airlock/policies';
import {
  isIndexMediaType,
  parseManifest,
  type Descriptor,
  type OciRegistry,
  type Platform,
} from '@airlock/registry-client';

/** What refers to a digest at the source, as the policy judges it. */
export interface SourceReferrers {
  /** Artifact types of the digest's own referrers. */
  referrerTypes: string[];
  /** Each platform manifest of an index (a single-platform image: itself) with its referrers. */
  platformReferrers: PlatformReferrers[];
}

/** Platform manifests listed at once: an index rarely has more than a dozen. */
const CONCURRENCY = 6;

/**
 * The referrers of the digest and of each of its platform manifests (referrers API, else the
 * `sha256-<hex>` tag fallback). Entries without a platform, or `unknown/unknown` ones (buildx
 * attestation manifests), are not platforms and are not judged.
 */
export async function readSourceReferrers(
  registry: OciRegistry,
  repository: string,
  digest: string,
): Promise<SourceReferrers> {
  const [own, platforms] = await Promise.all([
    registry.referrers(repository, digest),
    platformManifests(registry, repository, digest),
  ]);
  const referrerTypes = typesOf(own);
  if (platforms === undefined)
    return { referrerTypes, platformReferrers: [{ digest, referrerTypes }] };
  const platformReferrers: PlatformReferrers[] = [];
  for (let i = 0; i < platforms.length; i += CONCURRENCY) {
    const batch = platforms.slice(i, i + CONCURRENCY);
    const listed = await Promise.all(batch.map((p) => registry.referrers(repository, p.digest)));
    batch.forEach((p, j) =>
      platformReferrers.push({
        digest: p.digest,
        platform: formatPlatform(p.platform!),
        referrerTypes: typesOf(listed[j]!),
      }),
    );
  }
  return { referrerTypes, platformReferrers };
}

/** The index's platform entries; undefined when the digest is a single image. */
async function platformManifests(
  registry: OciRegistry,
  repository: string,
  digest: string,
): Promise<Descriptor[] | undefined> {
  const parsed = parseManifest(await registry.getManifest(repository, digest));
  if (parsed.kind !== 'index') return undefined;
  return parsed.manifests.filter(
    (m) =>
      m.platform !== undefined && m.platform.os !== 'unknown' && !isIndexMediaType(m.mediaType),
  );
}

function typesOf(referrers: Descriptor[]): string[] {
  return referrers.flatMap((r) => (r.artifactType ? [r.artifactType] : []));
}

function formatPlatform(p: Platform): string {
  return [p.os, p.architecture, p.variant].filter(Boolean).join('/');
}
