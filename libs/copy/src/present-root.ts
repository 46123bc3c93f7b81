import { AirlockError } from '@airlock/errors';
import type { Descriptor, RawManifest } from '@airlock/registry-client';
import type { CopyRequest } from './copy-types';

/** The root digest found in the target; `raw` read when tags are to be written with it. */
export interface PresentRoot {
  descriptor: Descriptor;
  raw?: RawManifest;
}

/**
 * The root in the target, or undefined: its descriptor, and its bytes when tags need them — a
 * HEAD without tags, a GET with them. Known present (`options.rootPresent`): not asked; the bytes
 * are the source's (the copy that staged it just read them) or, when the source no longer has
 * the image (a retry hours later, the CI pool cleaned up), the target's.
 */
export async function findPresentRoot(request: CopyRequest): Promise<PresentRoot | undefined> {
  const { source, target, options = {} } = request;
  if (options.rootPresent) {
    const raw = await source.registry
      .getManifest(source.repository, source.digest)
      .catch((error: unknown) => {
        if (!isNotFound(error)) throw error;
        return target.registry.findManifest(target.repository, source.digest);
      });
    return presentRoot(raw);
  }
  if (!target.tags?.length) {
    const descriptor = await target.registry.headManifest(target.repository, source.digest);
    return descriptor && { descriptor };
  }
  return presentRoot(await target.registry.findManifest(target.repository, source.digest));
}

function presentRoot(raw: RawManifest | undefined): PresentRoot | undefined {
  return (
    raw && {
      descriptor: { mediaType: raw.mediaType, digest: raw.digest, size: raw.bytes.length },
      raw,
    }
  );
}

function isNotFound(error: unknown): boolean {
  return error instanceof AirlockError && error.code === 'REGISTRY_NOT_FOUND';
}
