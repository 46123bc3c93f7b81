import { AirlockError } from '@airlock/errors';
import type { Descriptor, OciRegistry, RawManifest } from '@airlock/registry-client';
import { tagConflictError } from './tag-conflict';

export interface TagCollision {
  tag: string;
  currentDigest: string;
}

/** Tags of the target that already point at a digest other than `digest`. */
export async function findTagCollisions(
  registry: OciRegistry,
  repository: string,
  tags: string[],
  digest: string,
): Promise<TagCollision[]> {
  return collisionsOf(tags, await currentOf(registry, repository, tags), digest);
}

/** What each tag names in the target now (undefined: absent), one HEAD per tag at once. */
function currentOf(
  registry: OciRegistry,
  repository: string,
  tags: string[],
): Promise<Array<Descriptor | undefined>> {
  return Promise.all(tags.map((tag) => registry.headManifest(repository, tag)));
}

function collisionsOf(
  tags: string[],
  current: Array<Descriptor | undefined>,
  digest: string,
): TagCollision[] {
  return tags.flatMap((tag, i) => {
    const existing = current[i];
    return existing && existing.digest !== digest ? [{ tag, currentDigest: existing.digest }] : [];
  });
}

function tagConflict(
  registry: OciRegistry,
  repository: string,
  collisions: TagCollision[],
  requestedDigest: string,
): AirlockError {
  return tagConflictError(
    collisions.map((c) => ({
      registry: registry.name,
      repository,
      tag: c.tag,
      digest: c.currentDigest,
      requestedDigest,
    })),
  );
}

/**
 * Tags are the only visible commit point, so they are written last and only after checking
 * again that none of them moved to another digest while the copy ran (`tagsToWrite`, then
 * `putTags`).
 */
export async function writeTags(
  registry: OciRegistry,
  repository: string,
  tags: string[],
  manifest: RawManifest,
  allowOverwrite: boolean,
): Promise<void> {
  const pending = await tagsToWrite(registry, repository, tags, manifest.digest, allowOverwrite);
  await putTags(registry, repository, pending, manifest);
}

/**
 * The tags still to write for `digest`: one HEAD per tag; a tag naming another digest refuses
 * (TAG_CONFLICT) unless overwriting is allowed, one already naming the digest is done. Where
 * tags may be overwritten there is nothing to ask: every tag is to be written.
 */
export async function tagsToWrite(
  registry: OciRegistry,
  repository: string,
  tags: string[],
  digest: string,
  allowOverwrite: boolean,
): Promise<string[]> {
  if (tags.length === 0 || allowOverwrite) return tags;
  const current = await currentOf(registry, repository, tags);
  const collisions = collisionsOf(tags, current, digest);
  if (collisions.length > 0) throw tagConflict(registry, repository, collisions, digest);
  return tags.filter((_, i) => current[i]?.digest !== digest);
}

/** PUTs the manifest under each tag, each answer checked to be its digest. */
export async function putTags(
  registry: OciRegistry,
  repository: string,
  tags: string[],
  manifest: RawManifest,
): Promise<void> {
  for (const tag of tags) {
    const written = await registry.putManifest(repository, tag, manifest);
    assertSameDigest(registry, `${repository}:${tag}`, manifest.digest, written);
  }
}

/** Bytes never change: what the registry reports must be the digest we computed. */
export function assertSameDigest(
  registry: OciRegistry,
  what: string,
  expected: string,
  actual: string,
): void {
  if (expected !== actual) {
    throw new AirlockError(
      'DIGEST_MISMATCH',
      `registry "${registry.name}" stored ${what} as ${actual}, expected ${expected}`,
      {
        retryable: false,
        details: { registry: registry.name, expected, actual },
      },
    );
  }
}
