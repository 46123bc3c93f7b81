import { RegistryError, type RegistryErrorCode } from '../registry-error';

/** The first entry of an OCI distribution-spec error body (`{"errors":[{code,message,detail}]}`). */
export interface OciErrorEntry {
  code: string;
  message?: string;
}

export interface ResponseFacts {
  registry: string;
  /** `GET /v2/app/manifests/…`: method and path, never a query or a host. */
  operation: string;
  status: number;
  body?: Buffer;
  /** From `Retry-After`, when the registry sent one. */
  retryAfterMs?: number;
}

const MAX_MESSAGE = 200;

export function parseOciError(body: Buffer | undefined): OciErrorEntry | undefined {
  if (!body || body.length === 0 || body[0] !== 0x7b /* { */) return undefined;
  try {
    const parsed = JSON.parse(body.toString('utf8')) as { errors?: unknown };
    const first: unknown = Array.isArray(parsed.errors) ? parsed.errors[0] : undefined;
    const { code, message } = (first ?? {}) as { code?: unknown; message?: unknown };
    if (typeof code !== 'string') return undefined;
    return {
      code,
      message: typeof message === 'string' ? message.slice(0, MAX_MESSAGE) : undefined,
    };
  } catch {
    return undefined;
  }
}

/** 408, 429 and 5xx other than 501/505: the same request may well succeed in a moment. */
export function isTransientStatus(status: number): boolean {
  return status === 408 || status === 429 || (status >= 500 && status !== 501 && status !== 505);
}

/** The RegistryError for an answer the operation cannot use. Bodies other than OCI errors are not quoted. */
export function errorForResponse(facts: ResponseFacts, note?: string): RegistryError {
  const oci = parseOciError(facts.body);
  const code = codeFor(facts.status, oci?.code);
  const retryable = isTransientStatus(facts.status);
  const detail = oci ? ` (${oci.code}${oci.message ? `: ${oci.message}` : ''})` : '';
  const message = `registry "${facts.registry}": ${facts.operation} answered ${facts.status}${detail}${note ? ` — ${note}` : ''}`;
  const error = new RegistryError(code, message, {
    registry: facts.registry,
    status: facts.status,
    ociCode: oci?.code,
    operation: facts.operation,
    retryable,
  });
  if (facts.retryAfterMs !== undefined) error.details.retryAfterMs = facts.retryAfterMs;
  return error;
}

function codeFor(status: number, ociCode: string | undefined): RegistryErrorCode {
  if (status === 401) return 'REGISTRY_AUTH_FAILED';
  if (status === 403 || ociCode === 'DENIED') return 'REGISTRY_ACCESS_DENIED';
  if (status === 404) return 'REGISTRY_NOT_FOUND';
  if (status === 429 || ociCode === 'TOOMANYREQUESTS') return 'REGISTRY_RATE_LIMITED';
  // The registry hashed what it received and got another digest: the bytes changed on the way.
  if (ociCode === 'DIGEST_INVALID') return 'DIGEST_MISMATCH';
  return 'REGISTRY_ERROR';
}
