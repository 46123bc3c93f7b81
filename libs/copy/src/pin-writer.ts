import type { OciRegistry, RawManifest } from '@airlock/registry-client';
import { assertSameDigest } from './tag-writer';

/**
 * Gives each manifest its own tag, `pinTag(digest)`, unless that tag points at it already.
 * Distribution 2.8's `garbage-collect --delete-untagged` deletes every manifest no tag points at
 * — a platform manifest of a tagged index, a referrer listed only by a `sha256-<hex>` fallback
 * index — so only a tag of its own keeps one. Written after the referrers and before the
 * target's tags: a copy that fails earlier pins nothing, and its leftovers stay collectable.
 *
 * One at a time, in write order (children before their index): a manifest PUT rewrites the
 * manifest's revision link in place, and distribution's filesystem driver truncates before it
 * writes, so an index PUT that checks that child at the same moment reads an empty link and
 * answers DIGEST_INVALID.
 */
export async function writePins(
  target: { registry: OciRegistry; repository: string },
  manifests: RawManifest[],
  pinTag: (digest: string) => string,
): Promise<void> {
  const unique = [...new Map(manifests.map((m) => [m.digest, m])).values()];
  for (const manifest of unique) {
    const tag = pinTag(manifest.digest);
    const current = await target.registry.headManifest(target.repository, tag);
    if (current?.digest === manifest.digest) continue;
    const written = await target.registry.putManifest(target.repository, tag, manifest);
    assertSameDigest(target.registry, `${target.repository}:${tag}`, manifest.digest, written);
  }
}
