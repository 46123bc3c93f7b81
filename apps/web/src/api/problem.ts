import type { components } from './schema';

type FieldProblem = components['schemas']['FieldProblem'];

/**
 * An answer of the API as problem+json (docs/api-errors.md): the documented fields, plus the
 * extensions some codes carry (`violations` and `missing` of POLICY_UNMET, `conflicts` of
 * TAG_CONFLICT, `items` of RELEASE_NOT_READY, `rule: "fourEyes"`, …).
 */
export interface Problem {
  status: number;
  code: string;
  title: string;
  detail: string;
  errors: FieldProblem[];
  requestId?: string;
  extensions: Record<string, unknown>;
}

/** A non-2xx answer of the API, thrown by `unwrap` with the problem it carried. */
export class ApiProblem extends Error {
  constructor(readonly problem: Problem) {
    super(problem.detail || problem.title);
    this.name = 'ApiProblem';
  }

  get status(): number {
    return this.problem.status;
  }

  get code(): string {
    return this.problem.code;
  }
}

const KNOWN = new Set([
  'type',
  'title',
  'status',
  'detail',
  'instance',
  'code',
  'errors',
  'requestId',
]);

/** Reads whatever a failed answer held into a Problem: problem+json, other JSON, text, nothing. */
export function toProblem(response: Response, body: unknown): Problem {
  const fields = isRecord(body) ? body : {};
  const extensions = Object.fromEntries(Object.entries(fields).filter(([key]) => !KNOWN.has(key)));
  return {
    status: response.status,
    code: text(fields.code) ?? `HTTP_${response.status}`,
    title: text(fields.title) ?? (response.statusText || `HTTP ${response.status}`),
    detail: text(fields.detail) ?? (typeof body === 'string' ? body.slice(0, 500) : ''),
    errors: Array.isArray(fields.errors) ? fields.errors.filter(isFieldProblem) : [],
    requestId: text(fields.requestId) ?? response.headers.get('X-Request-Id') ?? undefined,
    extensions,
  };
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function isFieldProblem(value: unknown): value is FieldProblem {
  return isRecord(value) && typeof value.field === 'string' && typeof value.message === 'string';
}
