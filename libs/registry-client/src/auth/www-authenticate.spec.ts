import { parseWwwAuthenticate } from './www-authenticate';

describe('parseWwwAuthenticate', () => {
  it('reads a Docker Hub style Bearer challenge whose scope holds commas inside quotes', () => {
    const header =
      'Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:samalba/my-app:pull,push"';
    expect(parseWwwAuthenticate(header)).toEqual([
      {
        scheme: 'bearer',
        params: {
          realm: 'https://auth.docker.io/token',
          service: 'registry.docker.io',
          scope: 'repository:samalba/my-app:pull,push',
        },
      },
    ]);
  });

  it('separates several challenges in one header', () => {
    expect(
      parseWwwAuthenticate('Basic realm="registry", Bearer realm="https://a/token", service="svc"'),
    ).toEqual([
      { scheme: 'basic', params: { realm: 'registry' } },
      { scheme: 'bearer', params: { realm: 'https://a/token', service: 'svc' } },
    ]);
  });

  it('lower-cases scheme and parameter names, keeps values, accepts unquoted tokens and spaces around =', () => {
    expect(
      parseWwwAuthenticate('BEARER Realm = https://a/token , Error="insufficient_scope"'),
    ).toEqual([
      { scheme: 'bearer', params: { realm: 'https://a/token', error: 'insufficient_scope' } },
    ]);
  });

  it('unescapes quoted-pairs and keeps commas, equals signs and spaces inside quotes', () => {
    expect(parseWwwAuthenticate('Bearer realm="a \\"b\\", c=d",scope="x y"')[0].params).toEqual({
      realm: 'a "b", c=d',
      scope: 'x y',
    });
  });

  it('reads scheme-only challenges and tolerates junk', () => {
    expect(parseWwwAuthenticate('Negotiate')).toEqual([{ scheme: 'negotiate', params: {} }]);
    expect(parseWwwAuthenticate('')).toEqual([]);
    expect(parseWwwAuthenticate(',, ="x"')).toEqual([]);
    expect(parseWwwAuthenticate('Bearer realm="unterminated')).toEqual([
      { scheme: 'bearer', params: { realm: 'unterminated' } },
    ]);
  });
});
