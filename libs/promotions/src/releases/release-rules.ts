import { AirlockError } from '@airlock/errors';
import { readInput, readQuery, type KeysetPosition, type ObjectReader } from '@airlock/validation';
import { createHash } from 'node:crypto';
import {
  canonicalJson,
  readIdempotencyKey,
  readImageToPromote,
  readKeysetCursor,
  readUuidId,
  STAGE_NAME,
  withoutUndefined,
  type ImageToPromote,
  type PromotionRequest,
} from '../promotion-rules';

export const MAX_RELEASE_ITEMS = 100;
export const MAX_RELEASE_NAME_LENGTH = 200;
export const RELEASE_PAGE_LIMIT = { default: 20, max: 100 } as const;

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
  return { ...item, source: release.source, target: release.target, dryRun: release.dryRun };
}

/** The release's fingerprint for Idempotency-Key; never equal to a single promotion's. */
export function releaseHash(request: ReleaseRequest): string {
  return createHash('sha256')
    .update(`release\n${canonicalJson(request)}`)
    .digest('hex');
}

export function readReleaseId(id: unknown): string {
  return readUuidId(id, 'a release id');
}

export function readReleaseListQuery(query: unknown): { before?: KeysetPosition; limit: number } {
  return readQuery(query, (r) => {
    const before = readKeysetCursor(r);
    const limit = r.integer('limit', { min: 1, max: RELEASE_PAGE_LIMIT.max });
    return withoutUndefined({ before, limit: limit ?? RELEASE_PAGE_LIMIT.default });
  });
}

export function releaseNotFound(id: string): AirlockError {
  return new AirlockError('NOT_FOUND', `No release ${id}`, { details: { id } });
}
