import { exchangeLine } from './exchange-line';

describe('exchangeLine', () => {
  const base = {
    registry: 'ci-pool',
    method: 'GET',
    path: '/v2/team/app/manifests/1.0',
    attempt: 1,
  };

  it('names the registry, method, path, status, duration, attempt and auth scheme', () => {
    expect(exchangeLine({ ...base, status: 200, durationMs: 12.4, authorization: 'Bearer' })).toBe(
      'registry "ci-pool": GET /v2/team/app/manifests/1.0 → 200 in 12 ms (attempt 1, Bearer)',
    );
  });

  it('says why an exchange got no answer', () => {
    expect(
      exchangeLine({ ...base, method: 'PUT', attempt: 2, durationMs: 30, error: 'ECONNRESET' }),
    ).toBe(
      'registry "ci-pool": PUT /v2/team/app/manifests/1.0 → ECONNRESET after 30 ms (attempt 2)',
    );
  });

  it('names the host of an exchange that left the registry (token service, redirect)', () => {
    expect(
      exchangeLine({ ...base, host: '127.0.0.1:4000', path: '/token', status: 200, durationMs: 3 }),
    ).toBe('registry "ci-pool": GET 127.0.0.1:4000/token → 200 in 3 ms (attempt 1)');
  });
});
