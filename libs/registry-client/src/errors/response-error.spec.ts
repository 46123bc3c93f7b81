import { errorForResponse, isTransientStatus, parseOciError } from './response-error';

const oci = (code: string, message?: string): Buffer =>
  Buffer.from(JSON.stringify({ errors: [{ code, message, detail: { x: 1 } }] }));
const facts = { registry: 'ci', operation: 'GET /v2/app/manifests/sha256:abc' };

describe('errorForResponse', () => {
  it('writes the message the way operators read it', () => {
    const error = errorForResponse({
      ...facts,
      status: 503,
      body: oci('UNAVAILABLE', 'try later'),
    });
    expect(error.message).toBe(
      'registry "ci": GET /v2/app/manifests/sha256:abc answered 503 (UNAVAILABLE: try later)',
    );
    expect(error).toMatchObject({
      code: 'REGISTRY_ERROR',
      retryable: true,
      status: 503,
      ociCode: 'UNAVAILABLE',
      operation: facts.operation,
      registry: 'ci',
    });
  });

  it.each([
    [404, 'MANIFEST_UNKNOWN', 'REGISTRY_NOT_FOUND', false],
    [404, 'BLOB_UNKNOWN', 'REGISTRY_NOT_FOUND', false],
    [404, 'NAME_UNKNOWN', 'REGISTRY_NOT_FOUND', false],
    [401, 'UNAUTHORIZED', 'REGISTRY_AUTH_FAILED', false],
    [403, 'DENIED', 'REGISTRY_ACCESS_DENIED', false],
    [405, 'DENIED', 'REGISTRY_ACCESS_DENIED', false],
    [429, 'TOOMANYREQUESTS', 'REGISTRY_RATE_LIMITED', true],
    [400, 'DIGEST_INVALID', 'DIGEST_MISMATCH', false],
    [400, 'MANIFEST_INVALID', 'REGISTRY_ERROR', false],
    [500, undefined, 'REGISTRY_ERROR', true],
    [408, undefined, 'REGISTRY_ERROR', true],
    [501, undefined, 'REGISTRY_ERROR', false],
  ])('maps %i %s to %s (retryable %s)', (status, ociCode, code, retryable) => {
    const error = errorForResponse({ ...facts, status, body: ociCode ? oci(ociCode) : undefined });
    expect(error).toMatchObject({ code, retryable, ociCode });
  });

  it('does not quote bodies that are not OCI errors', () => {
    const error = errorForResponse({
      ...facts,
      status: 502,
      body: Buffer.from('<html>Authorization: Bearer abc</html>'),
    });
    expect(error.message).toBe('registry "ci": GET /v2/app/manifests/sha256:abc answered 502');
  });

  it('carries Retry-After for the retrier, and a note', () => {
    const error = errorForResponse({ ...facts, status: 429, retryAfterMs: 1000 }, 'slow down');
    expect(error.details.retryAfterMs).toBe(1000);
    expect(error.message).toMatch(/answered 429 — slow down$/);
  });
});

describe('parseOciError / isTransientStatus', () => {
  it('reads the first error and ignores junk', () => {
    expect(parseOciError(oci('BLOB_UNKNOWN', 'no'))).toEqual({
      code: 'BLOB_UNKNOWN',
      message: 'no',
    });
    expect(parseOciError(Buffer.from('{"errors":[]}'))).toBeUndefined();
    expect(parseOciError(Buffer.from('{broken'))).toBeUndefined();
    expect(parseOciError(Buffer.from('404 page not found'))).toBeUndefined();
  });

  it('treats 408, 429 and 5xx but 501/505 as transient', () => {
    expect([408, 429, 500, 502, 503, 504].every(isTransientStatus)).toBe(true);
    expect([400, 401, 403, 404, 413, 501, 505].some(isTransientStatus)).toBe(false);
  });
});
