import { checkDigest, checkReference, checkRepository } from './references';

describe('references', () => {
  it('accepts distribution names and refuses path tricks', () => {
    for (const name of ['app', 'team/app', 'a.b/c_d/e__f/g-h---i'])
      expect(() => checkRepository('r', name)).not.toThrow();
    for (const name of ['', '../x', 'App', 'a//b', 'a/', 'a?b', 'a#b', 'a b']) {
      expect(() => checkRepository('r', name)).toThrow(
        expect.objectContaining({ code: 'REGISTRY_ERROR' }),
      );
    }
  });

  it('tells tags from digests and refuses what it cannot verify', () => {
    expect(checkReference('r', 'v1.2.3_rc')).toBe('tag');
    expect(checkReference('r', `sha256:${'a'.repeat(64)}`)).toBe('digest');
    expect(() => checkReference('r', `sha256:${'A'.repeat(64)}`)).toThrow(
      'not a sha256 or sha512 digest',
    );
    expect(() => checkReference('r', `md5:${'a'.repeat(32)}`)).toThrow(
      'not a sha256 or sha512 digest',
    );
    expect(() => checkReference('r', '-bad')).toThrow('neither a tag nor a digest');
    expect(() => checkReference('r', 'x'.repeat(129))).toThrow();
    expect(checkDigest('r', `sha512:${'0'.repeat(128)}`)).toEqual({
      algorithm: 'sha512',
      hex: '0'.repeat(128),
    });
  });
});
