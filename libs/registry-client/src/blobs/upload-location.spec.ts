import { resolveLocation, withDigest } from './upload-location';

describe('upload locations', () => {
  const base = new URL('https://registry.example/v2/app/blobs/uploads/');

  it('resolves relative and absolute Locations', () => {
    expect(resolveLocation('/v2/app/blobs/uploads/123?_state=a', base)?.href).toBe(
      'https://registry.example/v2/app/blobs/uploads/123?_state=a',
    );
    expect(resolveLocation('https://other.example/up/1', base)?.href).toBe(
      'https://other.example/up/1',
    );
    expect(resolveLocation(undefined, base)).toBeUndefined();
    expect(resolveLocation('javascript:alert(1)', base)).toBeUndefined();
  });

  it('adds digest= keeping the registry’s query exactly as it was given', () => {
    const location = new URL(
      'https://registry.example/v2/app/blobs/uploads/1?_state=ab%3D%3D+c%20d&x=1',
    );
    expect(withDigest(location, 'sha256:abc').search).toBe(
      '?_state=ab%3D%3D+c%20d&x=1&digest=sha256%3Aabc',
    );
    expect(withDigest(new URL('https://r.example/up/1'), 'sha256:abc').search).toBe(
      '?digest=sha256%3Aabc',
    );
  });
});
