import { AirlockError } from '@airlock/errors';
import {
  checkObservedTags,
  checkReference,
  checkRepository,
  decodeCursor,
  encodeCursor,
} from './image-rules';

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

  it('round-trips a cursor and refuses a forged one', () => {
    const key = '2026-11-22 07:05:21.123456+00';
    const id = '0b7c2a9e-6f0e-4d55-9d62-3b1f8f0a8c11';
    expect(decodeCursor(encodeCursor(key, id))).toEqual({ createdAtKey: key, id });
    for (const bad of [
      'garbage',
      Buffer.from('["x","y"]').toString('base64url'),
      Buffer.from('{}').toString('base64url'),
    ]) {
      expect(() => decodeCursor(bad)).toThrow(AirlockError);
    }
  });
});
