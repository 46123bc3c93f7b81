import { UsageError } from './connection';

/** One REST call, before it knows where Airlock is or who asks. */
export interface ApiRequest {
  method: 'GET' | 'POST';
  path: string;
  body?: Record<string, unknown>;
  headers?: Record<string, string>;
}

export interface RegisterOptions {
  registry: string;
  repository: string;
  tag?: string;
  digest?: string;
  commit?: string;
  buildUrl?: string;
  pipelineId?: string;
}

export interface GateOptions {
  gate: string;
  status: string;
  url?: string;
  details?: string;
}

export interface ApproveOptions {
  gate?: string;
  comment?: string;
}

export interface PromoteOptions {
  repository: string;
  digest?: string;
  tag?: string;
  from: string;
  sourceRegistry?: string;
  to: string;
  targetRepository?: string;
  tagAs?: string[];
  dryRun?: boolean;
  idempotencyKey?: string;
}

export interface ReadinessOptions {
  stage: string;
  source?: string;
  tag?: string[];
}

export const GATE_STATUSES = ['passed', 'failed'] as const;

/** POST /api/v1/images: a tag is resolved by Airlock once; build metadata only when given. */
export function registerRequest(options: RegisterOptions): ApiRequest {
  exactlyOne('--tag', options.tag, '--digest', options.digest);
  const build = definedOnly({
    commit: options.commit,
    url: options.buildUrl,
    pipelineId: options.pipelineId,
  });
  return {
    method: 'POST',
    path: '/api/v1/images',
    body: definedOnly({
      registry: options.registry,
      repository: options.repository,
      tag: options.tag,
      digest: options.digest,
      build: Object.keys(build).length > 0 ? build : undefined,
    }),
  };
}

/** POST /api/v1/gates/{digest}/results. */
export function gateRequest(digest: string, options: GateOptions): ApiRequest {
  return {
    method: 'POST',
    path: `/api/v1/gates/${encodeURIComponent(digest)}/results`,
    body: definedOnly({
      gate: options.gate,
      status: options.status,
      url: options.url,
      details: options.details === undefined ? undefined : parseDetails(options.details),
    }),
  };
}

/** POST /api/v1/gates/{digest}/approvals; Airlock defaults the gate to `approval`. */
export function approveRequest(digest: string, options: ApproveOptions): ApiRequest {
  return {
    method: 'POST',
    path: `/api/v1/gates/${encodeURIComponent(digest)}/approvals`,
    body: definedOnly({ gate: options.gate, comment: options.comment }),
  };
}

/**
 * POST /api/v1/promotions. `--tag` names the source tag (resolved once); `--tag-as` the tags to
 * write in the target. The Idempotency-Key makes a re-run CI step answer the first promotion.
 */
export function promoteRequest(options: PromoteOptions): ApiRequest {
  exactlyOne('--digest', options.digest, '--tag', options.tag);
  const tags = options.tagAs ?? [];
  return {
    method: 'POST',
    path: '/api/v1/promotions',
    body: definedOnly({
      repository: options.repository,
      digest: options.digest,
      tag: options.tag,
      source: options.from,
      sourceRegistry: options.sourceRegistry,
      target: options.to,
      targetRepository: options.targetRepository,
      tags: tags.length > 0 ? tags : undefined,
      dryRun: options.dryRun ? true : undefined,
    }),
    headers: options.idempotencyKey ? { 'Idempotency-Key': options.idempotencyKey } : undefined,
  };
}

/** GET /api/v1/promotions/{id}. */
export function statusRequest(id: string): ApiRequest {
  return { method: 'GET', path: `/api/v1/promotions/${encodeURIComponent(id)}` };
}

/** GET /api/v1/gates/{digest}/readiness; the API takes the tags comma-separated. */
export function readinessRequest(digest: string, options: ReadinessOptions): ApiRequest {
  const query = new URLSearchParams({ stage: options.stage });
  if (options.source) query.set('source', options.source);
  if (options.tag && options.tag.length > 0) query.set('tags', options.tag.join(','));
  return {
    method: 'GET',
    path: `/api/v1/gates/${encodeURIComponent(digest)}/readiness?${query.toString()}`,
  };
}

/** Collects a repeatable flag; `--tag-as 1.4.2,stable` counts as two (a tag holds no comma). */
export function collectList(value: string, previous: string[] = []): string[] {
  const items = value
    .split(',')
    .map((each) => each.trim())
    .filter((each) => each !== '');
  return [...previous, ...items];
}

/** `--details` must be a JSON object, as the API requires; caught here so the exit code is 2. */
export function parseDetails(raw: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch (error) {
    throw new UsageError(`--details is not valid JSON: ${(error as Error).message}`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new UsageError('--details must be a JSON object, e.g. \'{"passed": 812}\'');
  }
  return parsed as Record<string, unknown>;
}

function exactlyOne(
  aName: string,
  a: string | undefined,
  bName: string,
  b: string | undefined,
): void {
  if ((a === undefined) === (b === undefined)) {
    throw new UsageError(`give exactly one of ${aName} and ${bName}`);
  }
}

/** Leaves out what was not given, so the body holds only what the user asked for. */
function definedOnly(object: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(object).filter(([, value]) => value !== undefined));
}
