import { readFileSync } from 'node:fs';
import type { ReleaseRequestBody } from './api-schemas';
import { UsageError } from './connection';
import type { ApiRequest } from './requests';

/** What POST /api/v1/releases is sent; Airlock defaults `dryRun` to false. */
export type ReleaseBody = Omit<ReleaseRequestBody, 'dryRun'> & { dryRun?: boolean };

/**
 * A release file (`promote --release FILE`): the request body as JSON, `{name?, source, target,
 * items}`. `source` and `target` may be left to --from and --to.
 */
export type ReleaseFile = Omit<ReleaseBody, 'source' | 'target'> &
  Partial<Pick<ReleaseBody, 'source' | 'target'>>;

/** The flags of `promote --release` that shape the request. */
export interface ReleaseOptions {
  from?: string;
  to?: string;
  dryRun?: boolean;
  idempotencyKey?: string;
}

export interface ReleaseRequest extends ApiRequest {
  body: ReleaseBody;
}

export type ReadText = (path: string) => string;

/**
 * Reads and parses a release file. Unreadable, not JSON, or not a release at all (no `items`) is
 * a usage error (exit 2); what the items hold is Airlock's to judge (400 names `items[i].…`).
 */
export function readReleaseFile(
  path: string,
  read: ReadText = (file) => readFileSync(file, 'utf8'),
): ReleaseFile {
  let text: string;
  try {
    text = read(path);
  } catch (error) {
    throw new UsageError(`cannot read the release file: ${(error as Error).message}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`the release file ${path} is not valid JSON: ${(error as Error).message}`);
  }
  if (!isObject(parsed)) {
    throw new UsageError(`the release file ${path} must hold a JSON object, {"source", …}`);
  }
  const items = parsed.items;
  if (!Array.isArray(items) || items.length === 0 || !items.every(isObject)) {
    throw new UsageError(
      `the release file ${path} needs "items": a non-empty list of ` +
        '{"repository": …, "digest" or "tag": …}',
    );
  }
  return parsed as ReleaseFile;
}

/**
 * POST /api/v1/releases with the file as the body; --from and --to, when given, win over its
 * `source` and `target`. The Idempotency-Key makes a re-run CI step answer the first release.
 */
export function releaseRequest(file: ReleaseFile, options: ReleaseOptions): ReleaseRequest {
  const source = stage(options.from ?? file.source, 'source', '--from');
  const target = stage(options.to ?? file.target, 'target', '--to');
  const body: ReleaseBody = { ...file, source, target };
  if (options.dryRun) body.dryRun = true;
  return {
    method: 'POST',
    path: '/api/v1/releases',
    body,
    headers: options.idempotencyKey ? { 'Idempotency-Key': options.idempotencyKey } : undefined,
  };
}

/** GET /api/v1/releases/{id}. */
export function releaseStatusRequest(id: string): ApiRequest {
  return { method: 'GET', path: `/api/v1/releases/${encodeURIComponent(id)}` };
}

/** The release's status, answered when it ends or after `seconds` (`?wait=`), whichever is first. */
export function releaseWaitRequest(id: string, seconds: number): ApiRequest {
  return { method: 'GET', path: `/api/v1/releases/${encodeURIComponent(id)}?wait=${seconds}` };
}

function stage(value: unknown, field: string, flag: string): string {
  if (typeof value !== 'string' || value.trim() === '') {
    throw new UsageError(
      `the release names no ${field} stage: give "${field}" in the release file, or ${flag}`,
    );
  }
  return value;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
