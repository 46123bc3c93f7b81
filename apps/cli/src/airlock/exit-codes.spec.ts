import { resolveConnection, normaliseBaseUrl, UsageError } from './connection';
import { ExitCode, exitCodeForPromotion, exitCodeForStatus, isTerminal } from './exit-codes';

describe('exit codes', () => {
  it.each([
    [200, ExitCode.ok],
    [201, ExitCode.ok],
    [202, ExitCode.ok],
    [400, ExitCode.refused],
    [401, ExitCode.refused],
    [403, ExitCode.refused],
    [404, ExitCode.refused],
    [409, ExitCode.refused],
    [422, ExitCode.refused],
    [500, ExitCode.unavailable],
    [502, ExitCode.unavailable],
    [503, ExitCode.unavailable],
    [302, ExitCode.unavailable],
  ])('HTTP %i → %i', (status, code) => {
    expect(exitCodeForStatus(status)).toBe(code);
  });

  it('a finished promotion: only succeeded is 0', () => {
    expect(exitCodeForPromotion('succeeded')).toBe(0);
    expect(exitCodeForPromotion('failed')).toBe(1);
    expect(exitCodeForPromotion('cancelled')).toBe(1);
    expect(['queued', 'running'].map(isTerminal)).toEqual([false, false]);
    expect(['succeeded', 'failed', 'cancelled'].map(isTerminal)).toEqual([true, true, true]);
  });
});

describe('connection', () => {
  it('flags win over the environment', () => {
    expect(
      resolveConnection(
        { url: 'http://flag:1/', token: 'alk_flag' },
        { AIRLOCK_URL: 'http://env:2', AIRLOCK_TOKEN: 'alk_env' },
      ),
    ).toEqual({ baseUrl: 'http://flag:1', token: 'alk_flag' });
    expect(
      resolveConnection(
        {},
        { AIRLOCK_URL: 'https://airlock.example.com', AIRLOCK_TOKEN: 'alk_env' },
      ),
    ).toEqual({ baseUrl: 'https://airlock.example.com', token: 'alk_env' });
  });

  it('names both sources of what is missing, and never echoes the token', () => {
    expect(() => resolveConnection({}, {})).toThrow(
      'missing the Airlock URL (--url or AIRLOCK_URL) and an API token (--token or AIRLOCK_TOKEN)',
    );
    expect(() => resolveConnection({ url: 'http://a' }, { AIRLOCK_TOKEN: ' ' })).toThrow(
      'missing an API token (--token or AIRLOCK_TOKEN)',
    );
    let message = '';
    try {
      resolveConnection({ token: 'alk_secret' }, {});
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).not.toContain('alk_secret');
  });

  it('keeps a path prefix, drops trailing slashes and credentials, refuses non-http', () => {
    expect(normaliseBaseUrl('https://proxy.example.com/airlock/')).toBe(
      'https://proxy.example.com/airlock',
    );
    expect(normaliseBaseUrl('http://user:pw@127.0.0.1:8080')).toBe('http://127.0.0.1:8080');
    expect(() => normaliseBaseUrl('ftp://x')).toThrow(UsageError);
    expect(() => normaliseBaseUrl('airlock:8080/x y')).toThrow(UsageError);
    expect(() => normaliseBaseUrl('not a url')).toThrow(/is not a URL/);
  });
});
