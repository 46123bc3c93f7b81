import type { AirlockError } from '@airlock/errors';
import { readInput } from '@airlock/validation';
import {
  MAX_SELECTED_TAGS,
  needsTagList,
  readTagSelectionField,
  selectTags,
  versionOf,
  type TagSelection,
} from './tag-selection';

/** The selection as a body's `tags` reads it. */
function read(selection: unknown): TagSelection | undefined {
  const body = { tags: selection };
  return readInput(body, (r) => readTagSelectionField(r, body, { required: true }));
}

/** `field:rule` of every problem reading the selection finds. */
function problemsOf(selection: unknown): string[] {
  try {
    read(selection);
    return [];
  } catch (error) {
    const { errors } = (error as AirlockError).details as {
      errors: Array<{ field: string; rule: string }>;
    };
    return errors.map((p) => `${p.field}:${p.rule}`);
  }
}

const UPSTREAM = [
  'latest',
  'edge',
  '3.17',
  '3.18',
  '3.18.4',
  '3.19',
  '3.19.1',
  '3.19.1-slim',
  '3.20',
  'v3.21.0',
  '20240101',
];

describe('tag selection', () => {
  it('checks only the named tags without listing', () => {
    expect(needsTagList({ tags: ['3.19'] })).toBe(false);
    expect(selectTags({ tags: ['3.19', 'latest'] }, [])).toEqual(['3.19', 'latest']);
  });

  it('filters by include and exclude, matched against the whole tag', () => {
    expect(selectTags({ include: '3\\.19.*', exclude: '.*-slim' }, UPSTREAM)).toEqual([
      '3.19.1',
      '3.19',
    ]);
    // Not anchored by the user, anchored by us: "3.1" does not pick 3.17.
    expect(selectTags({ include: '3.1' }, UPSTREAM)).toEqual([]);
  });

  it('keeps versions in a semver range, highest first', () => {
    expect(selectTags({ semver: '>=3.19 <4' }, UPSTREAM)).toEqual([
      'v3.21.0',
      '3.20',
      '3.19.1',
      '3.19',
    ]);
  });

  it('keeps the newest N versions, skipping tags that are not versions', () => {
    expect(selectTags({ newest: 2 }, UPSTREAM)).toEqual(['20240101', 'v3.21.0']);
    expect(selectTags({ newest: 2, exclude: '\\d{8}' }, UPSTREAM)).toEqual(['v3.21.0', '3.20']);
  });

  it('unions explicit tags with filtered ones, once each', () => {
    expect(selectTags({ tags: ['latest', '3.20'], semver: '~3.20' }, UPSTREAM)).toEqual([
      'latest',
      '3.20',
    ]);
  });

  it('reads tags as versions the way people write them', () => {
    expect(versionOf('3.19')?.version).toBe('3.19.0');
    expect(versionOf('v1')?.version).toBe('1.0.0');
    expect(versionOf('1.2.3-rc.1')?.version).toBe('1.2.3-rc.1');
    expect(versionOf('latest')).toBeNull();
  });

  it.each([
    [{}, 'tags:atLeastOneOf'],
    [[], 'tags:type'],
    [{ tags: [] }, 'tags.tags:minItems'],
    [{ tags: Array.from({ length: 101 }, (_, i) => `${i}`) }, 'tags.tags:maxItems'],
    [{ tags: ['-x'] }, 'tags.tags[0]:tag'],
    [{ tags: ['ok', 7] }, 'tags.tags[1]:type'],
    [{ include: '(' }, 'tags.include:regex'],
    [{ exclude: '' }, 'tags.exclude:regex'],
    [{ include: 'a'.repeat(257) }, 'tags.include:maxLength'],
    [{ semver: 'not a range' }, 'tags.semver:semverRange'],
    [{ semver: 3 }, 'tags.semver:type'],
    [{ newest: 0 }, 'tags.newest:min'],
    [{ newest: MAX_SELECTED_TAGS + 1 }, 'tags.newest:max'],
    [{ newest: 1.5 }, 'tags.newest:integer'],
    [{ newest: null }, 'tags.newest:notNull'],
    [{ regex: 'x' }, 'tags.regex:unknownField'],
  ])('refuses %p (%s)', (selection, expected) => {
    expect(problemsOf(selection)).toEqual([expected]);
  });

  it('accepts every field together, keeping only the fields given', () => {
    const every = { tags: ['latest'], include: '3\\..*', exclude: 'rc', semver: '>=3', newest: 5 };
    expect(read(every)).toEqual(every);
    expect(read({ semver: '^3' })).toEqual({ semver: '^3' });
  });

  it('keeps at most MAX_SELECTED_TAGS unless told another limit, explicit tags first', () => {
    const many = Array.from({ length: MAX_SELECTED_TAGS + 20 }, (_, i) => `1.0.${i}`);
    const capped = selectTags({ tags: ['latest'], include: '1\\.0\\..*' }, many);
    expect(capped).toHaveLength(MAX_SELECTED_TAGS);
    expect(capped.slice(0, 2)).toEqual(['latest', `1.0.${MAX_SELECTED_TAGS + 19}`]);
    expect(selectTags({ include: '.*' }, many, Number.POSITIVE_INFINITY)).toHaveLength(
      MAX_SELECTED_TAGS + 20,
    );
  });
});
