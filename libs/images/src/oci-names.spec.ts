import { checkDigest, checkRepository, checkTag } from './oci-names';

describe('OCI names', () => {
  it.each([
    ['team/app', true],
    ['a/b.c/d_e/f--g', true],
    ['Team/app', false],
    ['team//app', false],
    ['/app', false],
    ['a'.repeat(256), false],
    [7, false],
  ])('repository %p valid: %p', (repository, valid) => {
    expect(checkRepository(repository)).toEqual(
      valid ? [] : [expect.objectContaining({ field: 'repository', rule: 'repository' })],
    );
  });

  it('names the field where it sits', () => {
    expect(checkRepository('Bad', 'upstream.repository')).toEqual([
      {
        field: 'upstream.repository',
        rule: 'repository',
        message: 'upstream.repository must be an OCI repository name (lowercase path components)',
      },
    ]);
  });

  it.each([
    ['1.0', true],
    ['_x', true],
    ['a'.repeat(128), true],
    ['-bad', false],
    ['.bad', false],
    ['a'.repeat(129), false],
  ])('tag %p valid: %p', (tag, valid) => {
    expect(checkTag(tag).map((p) => p.rule)).toEqual(valid ? [] : ['tag']);
  });

  it.each([
    [`sha256:${'a'.repeat(64)}`, true],
    [`sha256:${'A'.repeat(64)}`, false],
    ['sha256:short', false],
    [`sha512:${'a'.repeat(64)}`, false],
  ])('digest %p valid: %p', (digest, valid) => {
    expect(checkDigest(digest).map((p) => p.rule)).toEqual(valid ? [] : ['digest']);
  });
});
