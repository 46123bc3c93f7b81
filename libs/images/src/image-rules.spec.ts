import { checkObservedTags, checkReference, checkRepository } from './image-rules';

const DIGEST = `sha256:${'a'.repeat(64)}`;

describe('image input rules', () => {
  it.each([
    [undefined, undefined, ['tag:exactlyOneOf', 'digest:exactlyOneOf']],
    ['1.0', DIGEST, ['tag:exactlyOneOf', 'digest:exactlyOneOf']],
    ['1.0', undefined, []],
    [undefined, DIGEST, []],
    ['-bad', undefined, ['tag:tag']],
    [undefined, 'sha256:short', ['digest:digest']],
  ])('tag %p digest %p → %p', (tag, digest, expected) => {
    expect(checkReference(tag, digest).map((p) => `${p.field}:${p.rule}`)).toEqual(expected);
  });

  it.each([
    [[], '1.0', []],
    [['1.0', 'latest'], undefined, []],
    [['1.0'], '1.0', ['tag:exactlyOneOf']],
    [['-bad'], undefined, ['tag:tag']],
  ])('observed tags %p with tag %p → %p', (tags, tag, expected) => {
    expect(checkObservedTags(tags, tag).map((p) => `${p.field}:${p.rule}`)).toEqual(expected);
  });

  it.each([
    ['team/app', true],
    ['a/b.c/d_e/f--g', true],
    ['Team/app', false],
    ['team//app', false],
    ['/app', false],
    ['a'.repeat(256), false],
  ])('repository %p valid: %p', (repository, valid) => {
    expect(checkRepository(repository)).toHaveLength(valid ? 0 : 1);
  });
});
