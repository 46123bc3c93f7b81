import type { Descriptor, Platform } from '../descriptor';
import { isIndexMediaType } from '../media-types';
import type { OciRegistry } from '../oci-registry';
import { parseManifest } from '../parse-manifest';

/** A platform manifest of an index and what refers to it. */
export interface PlatformReferrerList {
  digest: string;
  /** `os/architecture[/variant]`. */
  platform: string;
  referrers: Descriptor[];
}

/** What refers to a digest and, for an index, to each of its platform manifests. */
export interface ReferrerTree {
  /** The digest's own referrers (signatures, SBOMs, attestations of the whole image). */
  referrers: Descriptor[];
  /** Each platform manifest with its referrers; null when the digest is a single image. */
  platforms: PlatformReferrerList[] | null;
}

/** Platform manifests listed at once: an index rarely has more than a dozen. */
const CONCURRENCY = 6;

/**
 * The referrers of `digest` and of each of its platform manifests (referrers API, else the
 * `sha256-<hex>` tag fallback). Entries without a platform, or `unknown/unknown` ones (buildx
 * attestation manifests), are not platforms and are left out.
 */
export async function readReferrerTree(
  registry: Pick<OciRegistry, 'referrers' | 'getManifest'>,
  repository: string,
  digest: string,
): Promise<ReferrerTree> {
  const [referrers, entries] = await Promise.all([
    registry.referrers(repository, digest),
    platformEntries(registry, repository, digest),
  ]);
  if (entries === undefined) return { referrers, platforms: null };
  const platforms: PlatformReferrerList[] = [];
  for (let i = 0; i < entries.length; i += CONCURRENCY) {
    const batch = entries.slice(i, i + CONCURRENCY);
    const listed = await Promise.all(batch.map((e) => registry.referrers(repository, e.digest)));
    batch.forEach((e, j) =>
      platforms.push({
        digest: e.digest,
        platform: formatPlatform(e.platform!),
        referrers: listed[j]!,
      }),
    );
  }
  return { referrers, platforms };
}

/** `os/architecture[/variant]`, as people and policies name a platform. */
export function formatPlatform(p: Platform): string {
  return [p.os, p.architecture, p.variant].filter(Boolean).join('/');
}

/** The index's platform entries; undefined when the digest is a single image. */
async function platformEntries(
  registry: Pick<OciRegistry, 'referrers' | 'getManifest'>,
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
