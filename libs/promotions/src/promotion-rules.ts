import { AirlockError } from '@airlock/errors';
import { DIGEST_PATTERN, REPOSITORY_PATTERN, TAG_PATTERN } from '@airlock/images';
import { createHash } from 'node:crypto';

export const PROMOTION_PAGE_LIMIT = { default: 50, max: 200 } as const;
export const MAX_PROMOTION_TAGS = 20;
/** Printable ASCII, as the IETF Idempotency-Key draft's examples use (UUIDs, build ids). */
export const IDEMPOTENCY_KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;

export interface FieldProblem {
  field: string;
  rule: string;
  message: string;
}

/** What a caller asks for: promote this image from a source stage into a target stage. */
export interface PromotionRequest {
  repository: string;
  /** Exactly one of digest and tag; a tag is resolved in the source registry now, once. */
  digest?: string;
  tag?: string;
  /** The stage the image comes from. */
  source: string;
  /** The registry of the source stage holding the image; needed when the stage has several. */
  sourceRegistry?: string;
  /** The target stage; the promotion fans out to each of its registries. */
  target: string;
  /** Repository in the target registries; defaults to `repository`. */
  targetRepository?: string;
  /** Tags written in every target registry after the copy landed. */
  tags?: string[];
  /** Answer with the plan and the policy verdict, change nothing. */
  dryRun?: boolean;
}

export function checkPromotionRequest(request: PromotionRequest): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const repository = (field: string, value: unknown) => {
    if (typeof value !== 'string' || value.length > 255 || !REPOSITORY_PATTERN.test(value)) {
      problems.push({
        field,
        rule: 'repository',
        message: `${field} must be an OCI repository name (lowercase path components)`,
      });
    }
  };
  repository('repository', request.repository);
  if (request.targetRepository !== undefined)
    repository('targetRepository', request.targetRepository);
  if ((request.digest === undefined) === (request.tag === undefined)) {
    const message = 'exactly one of digest or tag must be given';
    problems.push({ field: 'digest', rule: 'exactlyOneOf', message });
  } else if (request.digest !== undefined && !DIGEST_PATTERN.test(request.digest)) {
    problems.push({
      field: 'digest',
      rule: 'digest',
      message: 'digest must be sha256:<64 lowercase hex characters>',
    });
  } else if (request.tag !== undefined && !TAG_PATTERN.test(request.tag)) {
    problems.push({ field: 'tag', rule: 'tag', message: tagMessage('tag') });
  }
  const tags = request.tags ?? [];
  if (tags.length > MAX_PROMOTION_TAGS) {
    problems.push({
      field: 'tags',
      rule: 'maxSize',
      message: `tags may hold at most ${MAX_PROMOTION_TAGS} tags`,
    });
  }
  tags.forEach((tag, index) => {
    if (!TAG_PATTERN.test(tag))
      problems.push({
        field: `tags[${index}]`,
        rule: 'tag',
        message: tagMessage(`tags[${index}]`),
      });
  });
  if (new Set(tags).size !== tags.length) {
    problems.push({ field: 'tags', rule: 'unique', message: 'tags must not repeat a tag' });
  }
  return problems;
}

export function checkIdempotencyKey(key: string | undefined): FieldProblem[] {
  if (key === undefined || IDEMPOTENCY_KEY_PATTERN.test(key)) return [];
  return [
    {
      field: 'Idempotency-Key',
      rule: 'idempotencyKey',
      message: 'the Idempotency-Key header must be 1-255 printable ASCII characters',
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

export function invalidField(field: string, rule: string, message: string): AirlockError {
  return new AirlockError('INVALID_INPUT', message, {
    details: { errors: [{ field, rule, message }] },
  });
}

/**
 * The request's fingerprint for Idempotency-Key: the same key with the same fingerprint replays
 * the first answer. Keys are sorted and absent fields dropped, so `{a, b}` and `{b, a}` match.
 */
export function requestHash(request: PromotionRequest): string {
  return createHash('sha256').update(canonicalJson(request)).digest('hex');
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

function tagMessage(field: string): string {
  return `${field} must be 1-128 characters of a-z, A-Z, 0-9, ".", "_", "-", not starting with "." or "-"`;
}
