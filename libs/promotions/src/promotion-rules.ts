import { AirlockError } from '@airlock/errors';
import { DIGEST_FIELD, MAX_REPOSITORY_LENGTH, REPOSITORY_FIELD, TAG_FIELD } from '@airlock/images';
import { PROMOTION_STATUSES, type PromotionStatus } from './promotion.repository';
import { REGISTRY_NAME_PATTERN } from '@airlock/registries';
import { STAGE_NAME_PATTERN } from '@airlock/stages';
import {
  decodeCursor,
  fieldProblem,
  invalidInput,
  readInput,
  readQuery,
  type FieldRule,
  type KeysetPosition,
  type ObjectReader,
  type StringOptions,
} from '@airlock/validation';
import { createHash } from 'node:crypto';

export const PROMOTION_PAGE_LIMIT = { default: 50, max: 200 } as const;
export const MAX_PROMOTION_TAGS = 20;
export const MAX_PROMOTION_CURSOR_LENGTH = 200;
/** Printable ASCII, as the IETF Idempotency-Key draft's examples use (UUIDs, build ids). */
export const IDEMPOTENCY_KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
export const STAGE_NAME: StringOptions = {
  pattern: { regex: STAGE_NAME_PATTERN, describe: 'a stage name (a-z, 0-9, "-")' },
};
const REGISTRY_NAME: StringOptions = {
  pattern: {
    regex: REGISTRY_NAME_PATTERN,
    describe: '1-63 lowercase letters, digits or "-", starting with a letter or digit',
  },
};
const REPOSITORY: StringOptions = { maxLength: MAX_REPOSITORY_LENGTH, ...REPOSITORY_FIELD };

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

/** `GET /promotions` as read: filters, the page size and the position after which it starts. */
export interface PromotionListFilters {
  digest?: string;
  stage?: string;
  status?: PromotionStatus;
  before?: KeysetPosition;
  limit: number;
}

/**
 * A promotion request body and its Idempotency-Key header, read together so one 400 names every
 * field at fault (the header as `Idempotency-Key`).
 */
export function readPromotionRequest(
  input: unknown,
  idempotencyKey?: unknown,
): { request: PromotionRequest; idempotencyKey?: string } {
  return readInput(input, (r) => {
    const request = withoutUndefined<PromotionRequest>({
      ...readImageToPromote(r),
      source: r.string('source', { required: true, ...STAGE_NAME })!,
      target: r.string('target', { required: true, ...STAGE_NAME })!,
      dryRun: r.boolean('dryRun'),
    });
    const key = readIdempotencyKey(r, idempotencyKey);
    return key === undefined ? { request } : { request, idempotencyKey: key };
  });
}

/** What names the image of one promotion and where it goes: a promotion body, or a release item. */
export type ImageToPromote = Omit<PromotionRequest, 'source' | 'target' | 'dryRun'>;

export function readImageToPromote(r: ObjectReader): ImageToPromote {
  const image = withoutUndefined<ImageToPromote>({
    repository: r.string('repository', { required: true, ...REPOSITORY })!,
    digest: r.string('digest', DIGEST_FIELD),
    tag: r.string('tag', TAG_FIELD),
    sourceRegistry: r.string('sourceRegistry', REGISTRY_NAME),
    targetRepository: r.string('targetRepository', REPOSITORY),
    tags: r.strings('tags', { maxItems: MAX_PROMOTION_TAGS, unique: true }, TAG_FIELD),
  });
  if (r.has('digest') === r.has('tag'))
    r.problem('digest', 'exactlyOneOf', 'exactly one of digest or tag must be given');
  return image;
}

/** The list's query: filters, a page size of 1-200 and the previous page's `nextCursor`. */
export function readPromotionListQuery(query: unknown): PromotionListFilters {
  return readQuery(query, (r) => {
    const filters = {
      digest: r.string('digest', DIGEST_FIELD),
      stage: r.string('stage', STAGE_NAME),
      status: r.string('status', { oneOf: PROMOTION_STATUSES }) as PromotionStatus | undefined,
    };
    const before = readKeysetCursor(r);
    const limit = r.integer('limit', { min: 1, max: PROMOTION_PAGE_LIMIT.max });
    return withoutUndefined<PromotionListFilters>({
      ...filters,
      before,
      limit: limit ?? PROMOTION_PAGE_LIMIT.default,
    });
  });
}

/** A promotion's id as the path gives it: a 400 naming `id` when it is no UUID. */
export function readPromotionId(id: unknown): string {
  return readUuidId(id, 'a promotion id');
}

/** A path id that must be a UUID; `what` names it in the message ("a release id"). */
export function readUuidId(id: unknown, what: string): string {
  return readQuery({ id }, (r) =>
    r.string('id', {
      required: true,
      check: (value, field) =>
        UUID.test(value) ? undefined : fieldProblem(field, 'uuid', `id must be ${what} (a UUID)`),
    }),
  )!;
}

/** `cursor`, the nextCursor of a previous page of promotions or releases: where to go on. */
export function readKeysetCursor(r: ObjectReader): KeysetPosition | undefined {
  let before: KeysetPosition | undefined;
  r.string('cursor', {
    maxLength: MAX_PROMOTION_CURSOR_LENGTH,
    check: (value, field) => {
      before = positionOf(value, field);
      return before
        ? undefined
        : fieldProblem(field, 'cursor', `${field} must be the nextCursor of a previous page`);
    },
  });
  return before;
}

/** One INVALID_INPUT naming a field found at fault after reading (an unknown stage, say). */
export function invalidField(field: string, rule: FieldRule, message: string): AirlockError {
  return invalidInput([fieldProblem(field, rule, message)]);
}

export function promotionNotFound(id: string): AirlockError {
  return new AirlockError('NOT_FOUND', `No promotion ${id}`, { details: { id } });
}

/**
 * The request's fingerprint for Idempotency-Key: the same key with the same fingerprint replays
 * the first answer. Keys are sorted and absent fields dropped, so `{a, b}` and `{b, a}` match.
 */
export function requestHash(request: PromotionRequest): string {
  return createHash('sha256').update(canonicalJson(request)).digest('hex');
}

export function readIdempotencyKey(r: ObjectReader, key: unknown): string | undefined {
  if (key === undefined) return undefined;
  if (typeof key === 'string' && IDEMPOTENCY_KEY_PATTERN.test(key)) return key;
  r.problem(
    'Idempotency-Key',
    'idempotencyKey',
    'the Idempotency-Key header must be 1-255 printable ASCII characters',
  );
  return undefined;
}

/** The position a cursor names, or undefined when it names none. */
export function positionOf(cursor: string, field: string): KeysetPosition | undefined {
  try {
    return decodeCursor(cursor, field);
  } catch {
    return undefined;
  }
}

export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, field]) => field !== undefined)) as T;
}
