import { AirlockError } from '@airlock/errors';
import {
  fieldProblem,
  invalidInput,
  readInput,
  readQuery,
  type FieldProblem,
  type StringOptions,
} from '@airlock/validation';
import { GATE_STATUSES, type GateStatus } from './gate-result.repository';

export const DIGEST_PATTERN = /^sha256:[a-f0-9]{64}$/;
export const GATE_NAME_PATTERN = /^[a-z0-9][a-z0-9._-]{0,62}$/;
/** The gate approvals are recorded under unless the approver names another. Reserved for approvals. */
export const DEFAULT_APPROVAL_GATE = 'approval';
export const MAX_DETAILS_BYTES = 16 * 1024;
export const MAX_URL_LENGTH = 2048;
export const MAX_COMMENT_LENGTH = 2000;
export const GATE_PAGE_LIMIT = { default: 50, max: 500 } as const;
const CURSOR = /^[1-9]\d{0,17}$/;

export interface GateResultInput {
  gate: string;
  status: GateStatus;
  url: string | null;
  details: Record<string, unknown>;
}

export interface ApprovalInput {
  gate: string;
  comment?: string;
}

export interface GateHistoryFilters {
  gate?: string;
  /** The `nextCursor` of the previous page. */
  cursor?: string;
  limit: number;
}

const GATE_NAME: StringOptions = {
  pattern: {
    regex: GATE_NAME_PATTERN,
    describe: '1-63 characters of a-z, 0-9, ".", "_", "-", starting with a letter or digit',
  },
};

/** A digest as the path gives it: a 400 naming `field` when it is none. */
export function checkDigest(digest: unknown, field = 'digest'): string {
  // The common case, on every hot path, without building a reader.
  if (typeof digest === 'string' && DIGEST_PATTERN.test(digest)) return digest;
  return readQuery(digest === undefined ? {} : { [field]: digest }, (r) =>
    r.string(field, {
      required: true,
      check: (value) =>
        DIGEST_PATTERN.test(value)
          ? undefined
          : fieldProblem(field, 'digest', `${field} must be sha256:<64 lowercase hex characters>`),
    }),
  )!;
}

/** `POST …/results`: the digest of the path and the body, every problem of both at once. */
export function readGateResult(
  digest: unknown,
  body: unknown,
): { digest: string; input: GateResultInput } {
  const [checked, input] = together(
    () => checkDigest(digest),
    () =>
      readInput(body, (r) => ({
        gate: r.string('gate', { required: true, ...GATE_NAME })!,
        status: r.string('status', { required: true, oneOf: GATE_STATUSES }) as GateStatus,
        // null reads as left out, as it always has for these two.
        url:
          r.string('url', { nullable: true, maxLength: MAX_URL_LENGTH, check: urlProblem }) ?? null,
        details: detailsOf(r.freeform('details', { nullable: true }) ?? {}, r.problem.bind(r)),
      })),
  );
  return { digest: checked, input };
}

/** `POST …/approvals`: the digest of the path and the body. */
export function readApproval(
  digest: unknown,
  body: unknown,
): { digest: string; input: ApprovalInput } {
  const [checked, input] = together(
    () => checkDigest(digest),
    () =>
      readInput(body, (r) => ({
        gate: r.string('gate', GATE_NAME) ?? DEFAULT_APPROVAL_GATE,
        comment: r.string('comment', { maxLength: MAX_COMMENT_LENGTH }),
      })),
  );
  return { digest: checked, input };
}

/** `GET /gates/{digest}`: the digest and the history's filters. */
export function readHistoryQuery(
  digest: unknown,
  query: unknown,
): { digest: string; filters: GateHistoryFilters } {
  const [checked, filters] = together(
    () => checkDigest(digest),
    () =>
      readQuery(query, (r) => ({
        gate: r.string('gate', GATE_NAME),
        cursor: r.string('cursor', {
          check: (value, field) =>
            CURSOR.test(value)
              ? undefined
              : fieldProblem(field, 'cursor', `${field} must be the nextCursor of a previous page`),
        }),
        limit: r.integer('limit', { min: 1, max: GATE_PAGE_LIMIT.max }) ?? GATE_PAGE_LIMIT.default,
      })),
  );
  return { digest: checked, filters };
}

function urlProblem(url: string, field: string): FieldProblem | undefined {
  const problem = fieldProblem(field, 'url', `${field} must be an http(s) URL`);
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? undefined : problem;
  } catch {
    return problem;
  }
}

function detailsOf(
  details: Record<string, unknown>,
  problem: (field: string, rule: 'maxSize', message: string) => void,
): Record<string, unknown> {
  const size = Buffer.byteLength(JSON.stringify(details), 'utf8');
  if (size > MAX_DETAILS_BYTES)
    problem(
      'details',
      'maxSize',
      `details must be at most ${MAX_DETAILS_BYTES} bytes of JSON (got ${size})`,
    );
  return details;
}

/** Runs both readers and throws the problems of both as one INVALID_INPUT. */
function together<A, B>(first: () => A, second: () => B): [A, B] {
  const problems: FieldProblem[] = [];
  const run = <T>(read: () => T): T => {
    try {
      return read();
    } catch (error) {
      if (!(error instanceof AirlockError) || error.code !== 'INVALID_INPUT') throw error;
      problems.push(...(error.details.errors as FieldProblem[]));
      return undefined as T;
    }
  };
  const results: [A, B] = [run(first), run(second)];
  if (problems.length > 0) throw invalidInput(problems);
  return results;
}
