import { GATE_NAME_PATTERN } from '@airlock/gates';
import { REGISTRY_NAME_PATTERN } from '@airlock/registries';
import { canonicalImageName } from '@airlock/registry-client';
import { STAGE_NAME_PATTERN } from '@airlock/stages';
import {
  decodeCursor,
  fieldProblem,
  readInput,
  readQuery,
  type FieldProblem,
  type KeysetPosition,
  type ObjectReader,
  type StringOptions,
} from '@airlock/validation';
import type { BuildInfo } from './image-view';
import { DIGEST_FIELD, REPOSITORY_FIELD, TAG_FIELD, TAG_RULE, isTag } from './oci-names';

export const IMAGE_PAGE_LIMIT = { default: 50, max: 200 } as const;
export const MAX_BUILD_TEXT_LENGTH = 200;
export const MAX_BUILD_URL_LENGTH = 2048;
export const MAX_CURSOR_LENGTH = 200;
export const MAX_DRIFT_STAGE_LENGTH = 63;
export const MAX_DRIFT_BASE_LENGTH = 512;

export const GATE_FILTER_STATUSES = ['passed', 'failed', 'missing'] as const;
export type GateFilterStatus = (typeof GATE_FILTER_STATUSES)[number];

export interface RegisterImageRequest {
  registry: string;
  repository: string;
  /** Exactly one of tag (resolved to a digest once) and digest. */
  tag?: string;
  digest?: string;
  build?: BuildInfo;
}

/** `GET /api/v1/images` as read: the cursor decoded, the gate filter paired with its status. */
export interface ImageListRequest {
  repository?: string;
  digest?: string;
  /** Images present in a registry of this stage. */
  stage?: string;
  /** Images whose newest result of this gate has that status (`missing`: none yet). */
  gate?: { name: string; status: GateFilterStatus };
  /** Only images older than this position (the previous page's last). */
  before?: KeysetPosition;
  limit: number;
}

/** `GET /api/v1/drift` as read. */
export interface DriftFilters {
  /** Only dependents with a location in a registry of this stage. */
  stage?: string;
  /** Only this base, canonical (`alpine:3.19` was read as `docker.io/library/alpine:3.19`). */
  base?: string;
}

const REGISTRY_NAME: StringOptions = {
  pattern: {
    regex: REGISTRY_NAME_PATTERN,
    describe: '1-63 lowercase letters, digits or "-", starting with a letter or digit',
  },
};

/**
 * A registration request. `observedTags` are tags a registry itself reported for the digest (a
 * push notification): only alongside a digest, each a valid tag, reported on `tag`.
 */
export function readRegisterImage(
  input: unknown,
  observedTags: readonly string[] = [],
): RegisterImageRequest {
  return readInput(input, (r) => {
    const request: RegisterImageRequest = {
      registry: r.string('registry', { required: true, ...REGISTRY_NAME })!,
      repository: r.string('repository', { required: true, ...REPOSITORY_FIELD })!,
      tag: r.string('tag', TAG_FIELD),
      digest: r.string('digest', DIGEST_FIELD),
      build: r.object('build', readBuild),
    };
    const body = input as Record<string, unknown>;
    checkReference(r, given(body, 'tag'), given(body, 'digest'), observedTags);
    return withoutUndefined(request);
  });
}

/** Identity is the digest: a request names exactly one of a tag to resolve or the digest itself. */
function checkReference(
  r: ObjectReader,
  hasTag: boolean,
  hasDigest: boolean,
  observedTags: readonly string[],
): void {
  if (hasTag === hasDigest) {
    const message = 'exactly one of tag or digest must be given';
    r.problem('tag', 'exactlyOneOf', message);
    r.problem('digest', 'exactlyOneOf', message);
    return;
  }
  if (observedTags.length === 0) return;
  if (hasTag)
    r.problem(
      'tag',
      'exactlyOneOf',
      'observed tags are recorded for a digest registration, not a tag',
    );
  else if (!observedTags.every(isTag)) r.problem('tag', 'tag', `tag ${TAG_RULE}`);
}

function readBuild(r: ObjectReader): BuildInfo {
  return withoutUndefined({
    commit: r.string('commit', { maxLength: MAX_BUILD_TEXT_LENGTH }),
    url: r.string('url', { maxLength: MAX_BUILD_URL_LENGTH, check: httpUrlProblem }),
    pipelineId: r.string('pipelineId', { maxLength: MAX_BUILD_TEXT_LENGTH }),
  });
}

/** The list's query: filters, the cursor (decoded) and the page size. */
export function readImageListQuery(query: unknown): ImageListRequest {
  return readQuery(query, (r) => {
    const repository = r.string('repository', REPOSITORY_FIELD);
    const digest = r.string('digest', DIGEST_FIELD);
    const stage = r.string('stage', {
      pattern: { regex: STAGE_NAME_PATTERN, describe: 'a stage name (a-z, 0-9, "-")' },
    });
    const gate = r.string('gate', {
      pattern: { regex: GATE_NAME_PATTERN, describe: 'a gate name' },
    });
    const status = r.string('gateStatus', { oneOf: GATE_FILTER_STATUSES });
    if (r.has('gateStatus') && !r.has('gate'))
      r.problem(
        'gateStatus',
        'requires',
        'gateStatus needs gate: the gate whose newest result to filter on',
      );
    const cursor = r.string('cursor', { maxLength: MAX_CURSOR_LENGTH, check: cursorProblem });
    const limit = r.integer('limit', { min: 1, max: IMAGE_PAGE_LIMIT.max });
    return withoutUndefined({
      repository,
      digest,
      stage,
      gate:
        gate === undefined
          ? undefined
          : { name: gate, status: (status as GateFilterStatus | undefined) ?? 'passed' },
      before: cursor === undefined ? undefined : positionOf(cursor),
      limit: limit ?? IMAGE_PAGE_LIMIT.default,
    });
  });
}

/** The `digest` path parameter. */
export function readImageDigest(digest: unknown): string {
  return readQuery({ digest }, (r) => r.string('digest', { required: true, ...DIGEST_FIELD })!);
}

/** `GET /api/v1/images/{digest}`'s query: only the image in this repository. */
export function readImageShowQuery(query: unknown): { repository?: string } {
  return readQuery(query, (r) =>
    withoutUndefined({ repository: r.string('repository', REPOSITORY_FIELD) }),
  );
}

/** The drift report's query; `base` in any spelling, answered canonical. */
export function readDriftQuery(query: unknown): DriftFilters {
  return readQuery(query, (r) => {
    const base = r.string('base', {
      maxLength: MAX_DRIFT_BASE_LENGTH,
      check: (value, field) =>
        canonicalImageName(value) === undefined
          ? fieldProblem(
              field,
              'matches',
              `${field} must be an image name with a tag, e.g. docker.io/library/alpine:3.19`,
            )
          : undefined,
    });
    return withoutUndefined({
      stage: r.string('stage', { maxLength: MAX_DRIFT_STAGE_LENGTH }),
      base: base === undefined ? undefined : canonicalImageName(base),
    });
  });
}

/** The position a cursor names, or undefined when it names none (cursorProblem reports it). */
function positionOf(cursor: string): KeysetPosition | undefined {
  try {
    return decodeCursor(cursor);
  } catch {
    return undefined;
  }
}

function cursorProblem(cursor: string, field: string): FieldProblem | undefined {
  return positionOf(cursor) === undefined
    ? fieldProblem(field, 'cursor', `${field} must be the nextCursor of a previous page`)
    : undefined;
}

/** An http(s) URL with a host: what a build link must be. */
function httpUrlProblem(value: string, field: string): FieldProblem | undefined {
  const problem = fieldProblem(field, 'url', `${field} must be an http(s) URL`);
  if (!/^https?:\/\//i.test(value)) return problem;
  try {
    return new URL(value).hostname ? undefined : problem;
  } catch {
    return problem;
  }
}

/** Given: present and not null (null is reported by the reader as notNull). */
function given(body: Record<string, unknown>, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(body, key) && body[key] != null;
}

function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, field]) => field !== undefined)) as T;
}
