import { AirlockError } from '@airlock/errors';
import {
  fieldProblem,
  readInput,
  readQuery,
  type KeysetPosition,
  type ObjectReader,
} from '@airlock/validation';
import { createHash } from 'node:crypto';
import {
  canonicalJson,
  MAX_PROMOTION_CURSOR_LENGTH,
  positionOf,
  readIdempotencyKey,
  readImageToPromote,
  STAGE_NAME,
  withoutUndefined,
  type ImageToPromote,
  type PromotionRequest,
} from '../promotion-rules';

export const MAX_RELEASE_ITEMS = 100;
export const MAX_RELEASE_NAME_LENGTH = 200;
export const RELEASE_PAGE_LIMIT = { default: 20, max: 100 } as const;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Several images promoted from one stage into another as one unit: no tag until all landed. */
export interface ReleaseRequest {
  /** A name for people (e.g. "2026.12 payments"); not unique. */
  name?: string;
  source: string;
  target: string;
  /** Each item is what a promotion request names, less source, target and dryRun. */
  items: ImageToPromote[];
  dryRun?: boolean;
}

/** A release body and its Idempotency-Key header: one 400 names every field at fault. */
export function readReleaseRequest(
  input: unknown,
  idempotencyKey?: unknown,
): { request: ReleaseRequest; idempotencyKey?: string } {
  return readInput(input, (r) => {
    const request = withoutUndefined<ReleaseRequest>({
      name: r.string('name', { minLength: 1, maxLength: MAX_RELEASE_NAME_LENGTH }),
      source: r.string('source', { required: true, ...STAGE_NAME })!,
      target: r.string('target', { required: true, ...STAGE_NAME })!,
      items:
        r.objects('items', readImageToPromote, {
          required: true,
          minItems: 1,
          maxItems: MAX_RELEASE_ITEMS,
        }) ?? [],
      dryRun: r.boolean('dryRun'),
    });
    refuseTwice(r, request.items);
    const key = readIdempotencyKey(r, idempotencyKey);
    return key === undefined ? { request } : { request, idempotencyKey: key };
  });
}

/** Two items naming the same image into the same target repository: one would be pointless. */
function refuseTwice(r: ObjectReader, items: ImageToPromote[]): void {
  const seen = new Set<string>();
  items.forEach((item, i) => {
    const key = [item.targetRepository ?? item.repository, item.digest ?? `tag:${item.tag}`].join(
      '\n',
    );
    if (seen.has(key))
      r.problem(
        `items[${i}]`,
        'uniqueItems',
        `items[${i}] names the same image into the same target repository as an earlier item`,
      );
    seen.add(key);
  });
}

/** The promotion request each item of a release stands for. */
export function itemRequest(release: ReleaseRequest, item: ImageToPromote): PromotionRequest {
  return { ...item, source: release.source, target: release.target };
}

/** The release's fingerprint for Idempotency-Key; never equal to a single promotion's. */
export function releaseHash(request: ReleaseRequest): string {
  return createHash('sha256')
    .update(`release\n${canonicalJson(request)}`)
    .digest('hex');
}

export function readReleaseId(id: unknown): string {
  return readQuery({ id }, (r) =>
    r.string('id', {
      required: true,
      check: (value, field) =>
        UUID.test(value)
          ? undefined
          : fieldProblem(field, 'uuid', 'id must be a release id (a UUID)'),
    }),
  )!;
}

export function readReleaseListQuery(query: unknown): { before?: KeysetPosition; limit: number } {
  return readQuery(query, (r) => {
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
    const limit = r.integer('limit', { min: 1, max: RELEASE_PAGE_LIMIT.max });
    return withoutUndefined({ before, limit: limit ?? RELEASE_PAGE_LIMIT.default });
  });
}

export function releaseNotFound(id: string): AirlockError {
  return new AirlockError('NOT_FOUND', `No release ${id}`, { details: { id } });
}
