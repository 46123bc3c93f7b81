import { looksLikeDigest, parseDigest, type ParsedDigest } from './digest';
import { RegistryError } from './registry-error';

// distribution-spec name and tag grammar. Checked before a request is built, so a path can never
// be steered elsewhere by a repository or reference containing `..`, `?` or `#`.
export const REPOSITORY =
  /^[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*)*$/;
export const TAG = /^[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}$/;

export type ReferenceKind = 'tag' | 'digest';

function invalid(registry: string, message: string): RegistryError {
  return new RegistryError('REGISTRY_ERROR', `registry "${registry}": ${message}`, {
    registry,
    retryable: false,
  });
}

export function checkRepository(registry: string, repository: string): void {
  if (repository.length > 255 || !REPOSITORY.test(repository)) {
    throw invalid(registry, `"${repository}" is not a valid repository name`);
  }
}

/** A tag or a digest this client can verify. */
export function checkReference(registry: string, reference: string): ReferenceKind {
  if (TAG.test(reference)) return 'tag';
  if (looksLikeDigest(reference)) {
    checkDigest(registry, reference);
    return 'digest';
  }
  throw invalid(registry, `"${reference}" is neither a tag nor a digest`);
}

export function checkDigest(registry: string, digest: string): ParsedDigest {
  const parsed = parseDigest(digest);
  if (!parsed) throw invalid(registry, `"${digest}" is not a sha256 or sha512 digest`);
  return parsed;
}
