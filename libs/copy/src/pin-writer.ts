import type { OciRegistry, RawManifest } from '@airlock/registry-client';
import { mapLimit } from './map-limit';
import { assertSameDigest } from './tag-writer';

/**
 * Gives each manifest its own tag, `pinTag(digest)`, unless that tag points at it already.
 * Distribution 2.8's `garbage-collect --delete-untagged` deletes every manifest no tag points at
 * — a platform manifest of a tagged index, a referrer listed only by a `sha256-<hex>` fallback
 * index — so only a tag of its own keeps one. Written after the referrers and before the
 * target's tags: a copy that fails earlier pins nothing, and its leftovers stay collectable.
 */
export async function writePins(
  target: { registry: OciRegistry; repository: string },
  manifests: RawManifest[],
  pinTag: (digest: string) => string,
  concurrency: number,
): Promise<void> {
  const unique = [...new Map(manifests.map((m) => [m.digest, m])).values()];
  await mapLimit(unique, concurrency, async (manifest) => {
    const tag = pinTag(manifest.digest);
    const current = await target.registry.headManifest(target.repository, tag);
    if (current?.digest === manifest.digest) return;
    const written = await target.registry.putManifest(target.repository, tag, manifest);
    assertSameDigest(target.registry, `${target.repository}:${tag}`, manifest.digest, written);
  });
}
