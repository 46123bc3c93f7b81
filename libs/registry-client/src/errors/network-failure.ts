import { HttpTimeoutError } from '../http/http-timeout-error';

export type NetworkFailureKind = 'tls' | 'timeout' | 'network';

/** What went wrong below HTTP, in words safe for an error message. */
export interface NetworkFailure {
  kind: NetworkFailureKind;
  code?: string;
  reason: string;
  retryable: boolean;
  /** The innermost error: a Node system or TLS error, never an AxiosError (its config holds headers). */
  cause: Error;
}

// OpenSSL verification results and Node's own certificate errors (tls.checkServerIdentity).
const CERTIFICATE_CODES = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_SIGNATURE_FAILURE',
  'CERT_REVOKED',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'INVALID_CA',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

const WORDS: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  EPIPE: 'connection closed while sending',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'DNS lookup failed',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ERR_STREAM_PREMATURE_CLOSE: 'connection closed before the response was complete',
};

/** Worth trying again: the network or the server may be back in a moment. */
const TRANSIENT_CODES = new Set([...Object.keys(WORDS), 'ETIMEDOUT', 'ECONNABORTED']);

/** Classifies an error thrown by a socket, TLS or axios. */
export function describeNetworkError(error: unknown): NetworkFailure {
  const cause = innermost(error);
  const code = codeOf(cause) ?? codeOf(error);
  if (cause instanceof HttpTimeoutError)
    return { kind: 'timeout', code, reason: cause.message, retryable: true, cause };
  if (code && CERTIFICATE_CODES.has(code)) {
    const reason =
      `TLS certificate not trusted (${code}: ${cause.message}). This is a certificate problem: ` +
      'give the CA that signed the registry certificate in the tls.caPem option ' +
      '(tls.insecure skips verification, for test registries only)';
    return { kind: 'tls', code, reason, retryable: false, cause };
  }
  if (
    code === 'EPROTO' ||
    code?.startsWith('ERR_SSL_') ||
    /wrong version number|ssl3_get_record/i.test(cause.message)
  ) {
    const reason = `TLS handshake failed (${code ?? 'EPROTO'}): does the registry speak TLS on this port? (http:// for a plain-HTTP registry)`;
    return { kind: 'tls', code, reason, retryable: false, cause };
  }
  const words = code ? WORDS[code] : undefined;
  const reason = words ? `${words} (${code})` : `${cause.message}${code ? ` (${code})` : ''}`;
  const retryable =
    code === undefined ? /socket hang up|aborted/i.test(cause.message) : TRANSIENT_CODES.has(code);
  return { kind: 'network', code, reason, retryable, cause };
}

function codeOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** Follows `cause` to the original error, skipping axios wrappers. */
function innermost(error: unknown): Error {
  let current: unknown = error;
  for (let depth = 0; depth < 10; depth += 1) {
    const next = (current as { cause?: unknown } | undefined)?.cause;
    if (!(next instanceof Error)) break;
    current = next;
  }
  if (current instanceof Error && !isAxiosError(current)) return current;
  const message = current instanceof Error ? current.message : String(current);
  return Object.assign(new Error(message), { code: codeOf(current) });
}

function isAxiosError(error: Error): boolean {
  return (error as { isAxiosError?: unknown }).isAxiosError === true;
}
