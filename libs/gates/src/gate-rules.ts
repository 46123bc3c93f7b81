import { AirlockError } from '@airlock/errors';
import { GATE_STATUSES, type GateStatus } from '@airlock/persistence';

export const DIGEST_PATTERN = /^sha256:[a-f0-9]{64}$/;
export const GATE_NAME_PATTERN = /^[a-z0-9][a-z0-9._-]{0,62}$/;
/** The gate approvals are recorded under unless the approver names another. Reserved for approvals. */
export const DEFAULT_APPROVAL_GATE = 'approval';
export const MAX_DETAILS_BYTES = 16 * 1024;
export const MAX_URL_LENGTH = 2048;
export const MAX_COMMENT_LENGTH = 2000;
export const GATE_PAGE_LIMIT = { default: 50, max: 500 } as const;

export interface FieldProblem {
  field: string;
  rule: string;
  message: string;
}

export function checkDigest(digest: unknown, field = 'digest'): FieldProblem[] {
  return typeof digest === 'string' && DIGEST_PATTERN.test(digest)
    ? []
    : [{ field, rule: 'digest', message: `${field} must be sha256:<64 lowercase hex characters>` }];
}

export function checkGateName(gate: unknown, field = 'gate'): FieldProblem[] {
  return typeof gate === 'string' && GATE_NAME_PATTERN.test(gate)
    ? []
    : [
        {
          field,
          rule: 'gateName',
          message: `${field} must be 1-63 characters of a-z, 0-9, ".", "_", "-", starting with a letter or digit`,
        },
      ];
}

export function checkStatus(status: unknown): FieldProblem[] {
  return (GATE_STATUSES as readonly unknown[]).includes(status)
    ? []
    : [
        {
          field: 'status',
          rule: 'isIn',
          message: `status must be one of ${GATE_STATUSES.join(', ')}`,
        },
      ];
}

export function checkUrl(url: unknown): FieldProblem[] {
  if (url === undefined || url === null) return [];
  const problem = [
    {
      field: 'url',
      rule: 'url',
      message: `url must be an http(s) URL of at most ${MAX_URL_LENGTH} characters`,
    },
  ];
  if (typeof url !== 'string' || url.length > MAX_URL_LENGTH) return problem;
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? [] : problem;
  } catch {
    return problem;
  }
}

export function checkDetails(details: unknown): FieldProblem[] {
  if (details === undefined || details === null) return [];
  if (typeof details !== 'object' || Array.isArray(details)) {
    return [{ field: 'details', rule: 'isObject', message: 'details must be a JSON object' }];
  }
  const size = Buffer.byteLength(JSON.stringify(details), 'utf8');
  return size <= MAX_DETAILS_BYTES
    ? []
    : [
        {
          field: 'details',
          rule: 'maxSize',
          message: `details must be at most ${MAX_DETAILS_BYTES} bytes of JSON (got ${size})`,
        },
      ];
}

export function checkResult(
  digest: unknown,
  input: { gate?: unknown; status?: unknown; url?: unknown; details?: unknown },
): FieldProblem[] {
  return [
    ...checkDigest(digest),
    ...checkGateName(input.gate),
    ...checkStatus(input.status),
    ...checkUrl(input.url),
    ...checkDetails(input.details),
  ];
}

/** INVALID_INPUT naming every field at fault, when there is one. */
export function throwIfInvalid(problems: FieldProblem[]): void {
  if (problems.length === 0) return;
  throw new AirlockError('INVALID_INPUT', problems.map((p) => p.message).join('; '), {
    details: { errors: problems },
  });
}

export function isGateStatus(value: unknown): value is GateStatus {
  return (GATE_STATUSES as readonly unknown[]).includes(value);
}
