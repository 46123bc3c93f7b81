import { AirlockError } from '@airlock/errors';

export const DIGEST_PATTERN = /^sha256:[a-f0-9]{64}$/;
/** OCI distribution-spec repository name grammar. */
export const REPOSITORY_PATTERN =
  /^[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*)*$/;
export const MAX_REPOSITORY_LENGTH = 255;
/** OCI distribution-spec tag grammar. */
export const TAG_PATTERN = /^[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}$/;
const TAG_RULE =
  'tag must be 1-128 characters of a-z, A-Z, 0-9, ".", "_", "-", not starting with "." or "-"';
export const IMAGE_PAGE_LIMIT = { default: 50, max: 200 } as const;

export interface FieldProblem {
  field: string;
  rule: string;
  message: string;
}

/** Identity is the digest: a request names exactly one of them, a tag to resolve or the digest itself. */
export function checkReference(tag: unknown, digest: unknown): FieldProblem[] {
  const hasTag = tag !== undefined && tag !== null;
  const hasDigest = digest !== undefined && digest !== null;
  if (hasTag === hasDigest) {
    const message = 'exactly one of tag or digest must be given';
    return [
      { field: 'tag', rule: 'exactlyOneOf', message },
      { field: 'digest', rule: 'exactlyOneOf', message },
    ];
  }
  if (hasTag && (typeof tag !== 'string' || !TAG_PATTERN.test(tag))) {
    return [
      {
        field: 'tag',
        rule: 'tag',
        message: TAG_RULE,
      },
    ];
  }
  if (hasDigest && (typeof digest !== 'string' || !DIGEST_PATTERN.test(digest))) {
    return [
      {
        field: 'digest',
        rule: 'digest',
        message: 'digest must be sha256:<64 lowercase hex characters>',
      },
    ];
  }
  return [];
}

/** Tags a registry reported for a digest: only alongside a digest, each a valid tag. */
export function checkObservedTags(tags: readonly unknown[], tag: unknown): FieldProblem[] {
  if (tags.length === 0) return [];
  if (tag !== undefined && tag !== null)
    return [
      {
        field: 'tag',
        rule: 'exactlyOneOf',
        message: 'observed tags are recorded for a digest registration, not a tag',
      },
    ];
  return tags.some((t) => typeof t !== 'string' || !TAG_PATTERN.test(t))
    ? [
        {
          field: 'tag',
          rule: 'tag',
          message: TAG_RULE,
        },
      ]
    : [];
}

/** `field` names where the repository sits in the request (`upstream.repository`). */
export function checkRepository(repository: unknown, field = 'repository'): FieldProblem[] {
  return typeof repository === 'string' &&
    repository.length <= MAX_REPOSITORY_LENGTH &&
    REPOSITORY_PATTERN.test(repository)
    ? []
    : [
        {
          field,
          rule: 'repository',
          message: `${field} must be an OCI repository name (lowercase path components)`,
        },
      ];
}

/** INVALID_INPUT naming every field at fault, when there is one. */
export function throwIfInvalid(problems: FieldProblem[]): void {
  if (problems.length === 0) return;
  throw new AirlockError('INVALID_INPUT', problems.map((p) => p.message).join('; '), {
    details: { errors: problems },
  });
}
