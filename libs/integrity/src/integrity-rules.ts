import { MAX_REPOSITORY_LENGTH, REPOSITORY_FIELD } from '@airlock/images';
import {
  decodeCursor,
  fieldProblem,
  readInput,
  readQuery,
  type KeysetPosition,
  type ObjectReader,
} from '@airlock/validation';
import { FINDING_KINDS, type FindingKind } from './integrity-comparison';
import { FINDING_STATUSES, type FindingStatus } from './integrity.repository';

export const MAX_REGISTRY_NAME_LENGTH = 200;
export const MAX_INTEGRITY_CURSOR_LENGTH = 200;
export const MAX_ACKNOWLEDGE_COMMENT_LENGTH = 2000;
export const INTEGRITY_RUN_PAGE_LIMIT = { default: 20, max: 100 };
/** The overview lists this many findings at most, newest sighting first. */
export const INTEGRITY_FINDINGS_LIMIT = 500;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface IntegrityFilters {
  registry?: string;
  repository?: string;
  kind?: FindingKind;
  /** Default `open`. */
  status: FindingStatus;
}

export interface IntegrityRunQuery {
  registry?: string;
  limit: number;
  before?: KeysetPosition;
}

/** `POST /integrity/runs`: one registry, or (left out) every registry of role `prod`. */
export interface IntegrityRunRequest {
  registry?: string;
}

export interface AcknowledgeRequest {
  comment: string;
}

function readRegistry(r: ObjectReader): string | undefined {
  return r.string('registry', { minLength: 1, maxLength: MAX_REGISTRY_NAME_LENGTH });
}

export function readIntegrityFilters(query: unknown): IntegrityFilters {
  return readQuery(query, (r) =>
    withoutUndefined({
      registry: readRegistry(r),
      repository: r.string('repository', { maxLength: MAX_REPOSITORY_LENGTH, ...REPOSITORY_FIELD }),
      kind: r.string('kind', { oneOf: FINDING_KINDS }) as FindingKind | undefined,
      status: (r.string('status', { oneOf: FINDING_STATUSES }) ?? 'open') as FindingStatus,
    }),
  );
}

export function readIntegrityRunQuery(query: unknown): IntegrityRunQuery {
  return readQuery(query, (r) => {
    let before: KeysetPosition | undefined;
    r.string('cursor', {
      maxLength: MAX_INTEGRITY_CURSOR_LENGTH,
      check: (value, field) => {
        before = positionOf(value);
        return before
          ? undefined
          : fieldProblem(field, 'cursor', `${field} must be the nextCursor of a previous page`);
      },
    });
    const limit = r.integer('limit', { min: 1, max: INTEGRITY_RUN_PAGE_LIMIT.max });
    return withoutUndefined({
      registry: readRegistry(r),
      limit: limit ?? INTEGRITY_RUN_PAGE_LIMIT.default,
      before,
    });
  });
}

export function readIntegrityRunRequest(input: unknown): IntegrityRunRequest {
  return readInput(input, (r) => withoutUndefined({ registry: readRegistry(r) }));
}

export function readAcknowledge(input: unknown): AcknowledgeRequest {
  return readInput(input, (r) => ({
    comment: r.string('comment', {
      required: true,
      minLength: 1,
      maxLength: MAX_ACKNOWLEDGE_COMMENT_LENGTH,
    })!,
  }));
}

/** A finding's id as the path gave it: a 400 naming `id` when it is not a UUID. */
export function checkFindingId(id: unknown): string {
  return readQuery({ id }, (r) =>
    r.string('id', {
      required: true,
      check: (value, field) =>
        UUID.test(value) ? undefined : fieldProblem(field, 'uuid', `${field} must be a UUID`),
    }),
  )!;
}

function positionOf(cursor: string): KeysetPosition | undefined {
  try {
    return decodeCursor(cursor);
  } catch {
    return undefined;
  }
}

function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, field]) => field !== undefined)) as T;
}
