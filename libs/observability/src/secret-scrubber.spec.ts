import { scrubSecrets } from './secret-scrubber';

describe('scrubSecrets', () => {
  it.each([
    ['token alk_0123456789abcdefghijklmnopqrstuvwxyzABCDEFG used', 'token alk_[REDACTED] used'],
    ['Authorization: Bearer eyJhbGciOi.JIUzI1NiJ9.x', 'Authorization: Bearer [REDACTED]'],
    ['header Basic dGVzdGVyOnNlY3JldA==', 'header Basic [REDACTED]'],
    [
      'GET https://bob:hunter2@registry.example.com/v2/',
      'GET https://bob:[REDACTED]@registry.example.com/v2/',
    ],
    ['{"password":"hunter2","user":"bob"}', '{"password":"[REDACTED]","user":"bob"}'],
    ['secret=s3cr3t&x=1', 'secret=[REDACTED]&x=1'],
  ])('%s', (input, expected) => {
    expect(scrubSecrets(input)).toBe(expected);
  });

  it.each([
    ['an api key in any spelling', 'API-KEY: abc123', 'API-KEY: [REDACTED]'],
    ['an upper-case token name', 'ALK_TOKEN=s3cr3t', 'ALK_TOKEN=[REDACTED]'],
    ['userinfo in an upper-case URL', 'HTTPS://BOB:HUNTER2@HOST/', 'HTTPS://BOB:[REDACTED]@HOST/'],
  ])('scrubs %s', (_case, input, expected) => {
    expect(scrubSecrets(input)).toBe(expected);
  });

  it('leaves ordinary text alone', () => {
    const text = 'promotion 7f3c copied 12 blobs to prod-eu/team/app (sha256:abcd)';
    expect(scrubSecrets(text)).toBe(text);
  });
});
