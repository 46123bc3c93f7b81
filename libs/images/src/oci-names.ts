import { fieldProblem, type FieldProblem, type StringOptions } from '@airlock/validation';

/**
 * The OCI names every feature takes from requests — repository, tag, digest — in one place: the
 * grammar (distribution-spec), the checks that report a broken one by its FIELD_RULES name
 * (`repository`, `tag`, `digest`), and the reader options that apply them to a field.
 */

export const DIGEST_PATTERN = /^sha256:[a-f0-9]{64}$/;
/** OCI distribution-spec repository name grammar. */
export const REPOSITORY_PATTERN =
  /^[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*)*$/;
export const MAX_REPOSITORY_LENGTH = 255;
/** OCI distribution-spec tag grammar. */
export const TAG_PATTERN = /^[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}$/;

export const TAG_RULE =
  'must be 1-128 characters of a-z, A-Z, 0-9, ".", "_", "-", not starting with "." or "-"';
export const DIGEST_RULE = 'must be sha256:<64 lowercase hex characters>';
export const REPOSITORY_RULE = 'must be an OCI repository name (lowercase path components)';

export function isRepository(value: unknown): value is string {
  return (
    typeof value === 'string' &&
    value.length <= MAX_REPOSITORY_LENGTH &&
    REPOSITORY_PATTERN.test(value)
  );
}

export function isTag(value: unknown): value is string {
  return typeof value === 'string' && TAG_PATTERN.test(value);
}

export function isDigest(value: unknown): value is string {
  return typeof value === 'string' && DIGEST_PATTERN.test(value);
}

/** `field` names where the repository sits in the request (`upstream.repository`). */
export function checkRepository(repository: unknown, field = 'repository'): FieldProblem[] {
  return isRepository(repository)
    ? []
    : [fieldProblem(field, 'repository', `${field} ${REPOSITORY_RULE}`)];
}

export function checkTag(tag: unknown, field = 'tag'): FieldProblem[] {
  return isTag(tag) ? [] : [fieldProblem(field, 'tag', `${field} ${TAG_RULE}`)];
}

export function checkDigest(digest: unknown, field = 'digest'): FieldProblem[] {
  return isDigest(digest) ? [] : [fieldProblem(field, 'digest', `${field} ${DIGEST_RULE}`)];
}

/** Reader options for a repository field: `r.string('repository', { required: true, ...REPOSITORY_FIELD })`. */
export const REPOSITORY_FIELD: StringOptions = {
  check: (value, field) => checkRepository(value, field)[0],
};

/** Reader options for a tag field (each item of a list of tags, too). */
export const TAG_FIELD: StringOptions = { check: (value, field) => checkTag(value, field)[0] };

/** Reader options for a digest field. */
export const DIGEST_FIELD: StringOptions = {
  check: (value, field) => checkDigest(value, field)[0],
};
