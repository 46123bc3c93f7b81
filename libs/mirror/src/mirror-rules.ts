import { MAX_REPOSITORY_LENGTH, REPOSITORY_FIELD } from '@airlock/images';
import { REGISTRY_NAME_PATTERN } from '@airlock/registries';
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
import { CronExpressionParser } from 'cron-parser';
import { readTagSelectionField, type TagSelection } from './tag-selection';

export const MIRROR_RUN_PAGE_LIMIT = { default: 20, max: 100 } as const;
export const MAX_SCHEDULE_LENGTH = 120;
export const MAX_RUN_CURSOR_LENGTH = 512;
export const MAX_ARCHIVED_TAG_LENGTH = 128;
/** A registry's name in a rule; one that names no registry is refused by lookup (`exists`). */
export const MAX_REGISTRY_REF_LENGTH = 63;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A rule's name: a slug like a registry's, so it reads well in URLs, logs and scheduler ids. */
const RULE_NAME: StringOptions = {
  pattern: {
    regex: REGISTRY_NAME_PATTERN,
    describe: '1-63 lowercase letters, digits or "-", starting with a letter or digit',
  },
};

/** Where a rule reads from or writes to: a registry (by name) and a repository in it. */
export interface RepositoryRef {
  registry: string;
  repository: string;
}

export interface MirrorRuleRequest {
  name: string;
  upstream: RepositoryRef;
  tags: TagSelection;
  archive: RepositoryRef;
  /** Trimmed. */
  schedule: string;
  enabled?: boolean;
}

/** Fields left out stay as they are; `tags` replaces the whole selection. */
export type MirrorRuleUpdate = Partial<Omit<MirrorRuleRequest, 'name'>>;

/** `GET …/runs` as read: the page size and the position after which it starts. */
export interface MirrorRunQuery {
  limit: number;
  before?: KeysetPosition;
}

/** A rule's name as the path gives it: a 400 naming `name` when it is none. */
export function checkRuleName(name: unknown): string {
  return readQuery({ name }, (r) => r.string('name', { required: true, ...RULE_NAME })!);
}

/** `…/runs/{runId}`: the rule's name and the run's id, both checked at once. */
export function checkRunParams(name: unknown, runId: unknown): { name: string; runId: string } {
  return readQuery({ name, runId }, (r) => ({
    name: r.string('name', { required: true, ...RULE_NAME })!,
    runId: r.string('runId', {
      required: true,
      check: (value, field) =>
        UUID.test(value) ? undefined : fieldProblem(field, 'uuid', `${field} must be a UUID`),
    })!,
  }));
}

export function readNewMirrorRule(input: unknown): MirrorRuleRequest {
  return readInput(input, (r) => {
    const body = input as Record<string, unknown>;
    return withoutUndefined({
      name: r.string('name', { required: true, ...RULE_NAME })!,
      upstream: r.object('upstream', readRepositoryRef, { required: true })!,
      tags: readTagSelectionField(r, body, { required: true })!,
      archive: r.object('archive', readRepositoryRef, { required: true })!,
      schedule: readSchedule(r, true)!,
      enabled: r.boolean('enabled'),
    });
  });
}

export function readMirrorRuleUpdate(input: unknown): MirrorRuleUpdate {
  return readInput(input, (r) => {
    const body = input as Record<string, unknown>;
    return withoutUndefined({
      upstream: r.object('upstream', readRepositoryRef),
      tags: readTagSelectionField(r, body, { required: false }),
      archive: r.object('archive', readRepositoryRef),
      schedule: readSchedule(r, false),
      enabled: r.boolean('enabled'),
    });
  });
}

/** The run history's query: a page size of 1-100 and the previous page's `nextCursor`. */
export function readRunQuery(query: unknown): MirrorRunQuery {
  return readQuery(query, (r) => {
    let before: KeysetPosition | undefined;
    r.string('cursor', {
      maxLength: MAX_RUN_CURSOR_LENGTH,
      check: (value, field) => {
        before = positionOf(value);
        return before
          ? undefined
          : fieldProblem(field, 'cursor', `${field} must be the nextCursor of a previous page`);
      },
    });
    const limit = r.integer('limit', { min: 1, max: MIRROR_RUN_PAGE_LIMIT.max });
    return withoutUndefined({ limit: limit ?? MIRROR_RUN_PAGE_LIMIT.default, before });
  });
}

/** The archive listing's query: only the digests of this tag. */
export function readArchivedQuery(query: unknown): { tag?: string } {
  return readQuery(query, (r) =>
    withoutUndefined({ tag: r.string('tag', { maxLength: MAX_ARCHIVED_TAG_LENGTH }) }),
  );
}

function readRepositoryRef(r: ObjectReader): RepositoryRef {
  return {
    registry: r.string('registry', { required: true, maxLength: MAX_REGISTRY_REF_LENGTH })!,
    repository: r.string('repository', {
      required: true,
      maxLength: MAX_REPOSITORY_LENGTH,
      ...REPOSITORY_FIELD,
    })!,
  };
}

function readSchedule(r: ObjectReader, required: boolean): string | undefined {
  return r
    .string('schedule', { required, maxLength: MAX_SCHEDULE_LENGTH, check: cronProblem })
    ?.trim();
}

/** A cron expression BullMQ's scheduler reads the same way (5 fields, or 6 with seconds first), UTC. */
function cronProblem(schedule: string, field: string): FieldProblem | undefined {
  if (schedule.trim().length === 0)
    return fieldProblem(
      field,
      'cron',
      `${field} must be a cron expression, e.g. "0 3 * * *" (daily at 03:00 UTC)`,
    );
  const fields = schedule.trim().split(/\s+/).length;
  if (fields < 5 || fields > 6)
    return fieldProblem(
      field,
      'cron',
      `${field} must have 5 fields (or 6 with seconds first), not ${fields}`,
    );
  try {
    CronExpressionParser.parse(schedule, { tz: 'UTC' });
    return undefined;
  } catch (error) {
    return fieldProblem(
      field,
      'cron',
      `${field} is not a valid cron expression: ${(error as Error).message}`,
    );
  }
}

/** The position a cursor names, or undefined when it names none. */
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
