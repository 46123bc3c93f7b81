import { HttpTimeoutError } from '../http/http-timeout-error';
import { describeNetworkError } from './network-failure';

const systemError = (code: string, message = code): Error =>
  Object.assign(new Error(message), { code });
/** What axios throws: its own wrapper (carrying config and headers), the original as `cause`. */
const axiosWrapped = (cause: Error): Error =>
  Object.assign(new Error(cause.message), {
    isAxiosError: true,
    code: (cause as { code?: string }).code,
    config: { headers: { Authorization: 'Bearer secret' } },
    cause,
  });

describe('describeNetworkError', () => {
  it('calls an untrusted certificate a certificate problem and names tls.caPem; not retryable', () => {
    const failure = describeNetworkError(
      axiosWrapped(
        systemError('UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'unable to verify the first certificate'),
      ),
    );
    expect(failure).toMatchObject({
      kind: 'tls',
      retryable: false,
      code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
    });
    expect(failure.reason).toMatch(/certificate problem.*tls\.caPem/);
    expect(describeNetworkError(systemError('ERR_TLS_CERT_ALTNAME_INVALID')).kind).toBe('tls');
    expect(describeNetworkError(systemError('SELF_SIGNED_CERT_IN_CHAIN')).retryable).toBe(false);
  });

  it('recognises TLS spoken to a plain-HTTP port', () => {
    const failure = describeNetworkError(
      systemError('EPROTO', 'write EPROTO ... wrong version number'),
    );
    expect(failure).toMatchObject({ kind: 'tls', retryable: false });
    expect(failure.reason).toContain('http:// for a plain-HTTP registry');
  });

  it('retries resets, refusals and timeouts', () => {
    expect(describeNetworkError(systemError('ECONNRESET'))).toMatchObject({
      kind: 'network',
      retryable: true,
      reason: 'connection reset (ECONNRESET)',
    });
    expect(describeNetworkError(systemError('ECONNREFUSED'))).toMatchObject({
      retryable: true,
      reason: 'connection refused (ECONNREFUSED)',
    });
    expect(
      describeNetworkError(axiosWrapped(new HttpTimeoutError('headers', 30_000))),
    ).toMatchObject({
      kind: 'timeout',
      retryable: true,
      reason: 'no response headers within 30000 ms (headers timeout)',
    });
    expect(describeNetworkError(new Error('socket hang up')).retryable).toBe(true);
  });

  it('does not retry what will not change', () => {
    expect(describeNetworkError(new Error('some bug')).retryable).toBe(false);
  });

  it('never hands out the axios wrapper (its config holds the Authorization header)', () => {
    const failure = describeNetworkError(axiosWrapped(systemError('ECONNRESET')));
    expect(failure.cause).not.toHaveProperty('config');
    const bare = describeNetworkError(
      Object.assign(new Error('timeout'), {
        isAxiosError: true,
        code: 'ECONNABORTED',
        config: { headers: {} },
      }),
    );
    expect(bare.cause).not.toHaveProperty('config');
    expect(bare.code).toBe('ECONNABORTED');
  });
});
