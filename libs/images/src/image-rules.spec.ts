import { AirlockError } from '@airlock/errors';
import { encodeCursor } from '@airlock/validation';
import {
  readDriftQuery,
  readImageDigest,
  readImageListQuery,
  readImageShowQuery,
  readRegisterImage,
} from './image-rules';

const DIGEST = `sha256:${'a'.repeat(64)}`;
const BASE = { registry: 'sandbox', repository: 'team/app' };

function problemsOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (error) {
    expect((error as AirlockError).code).toBe('INVALID_INPUT');
    return ((error as AirlockError).details.errors as Array<{ field: string; rule: string }>).map(
      ({ field, rule }) => `${field}:${rule}`,
    );
  }
  throw new Error('expected an INVALID_INPUT error');
}

describe('image input rules', () => {
  it.each([
    [{}, ['tag:exactlyOneOf', 'digest:exactlyOneOf']],
    [{ tag: '1.0', digest: DIGEST }, ['tag:exactlyOneOf', 'digest:exactlyOneOf']],
    [{ tag: '-bad' }, ['tag:tag']],
    [{ digest: 'sha256:short' }, ['digest:digest']],
    [{ tag: null, digest: DIGEST }, ['tag:notNull']],
    [{ tag: 1 }, ['tag:type']],
  ])('a registration naming %p → %p', (reference, expected) => {
    expect(problemsOf(() => readRegisterImage({ ...BASE, ...reference }))).toEqual(expected);
  });

  it('takes a registration by tag or digest, with build metadata', () => {
    expect(readRegisterImage({ ...BASE, tag: '1.0' })).toEqual({ ...BASE, tag: '1.0' });
    expect(
      readRegisterImage({
        ...BASE,
        digest: DIGEST,
        build: { commit: 'abc', url: 'https://ci.example.com/job/1', pipelineId: '42' },
      }),
    ).toEqual({
      ...BASE,
      digest: DIGEST,
      build: { commit: 'abc', url: 'https://ci.example.com/job/1', pipelineId: '42' },
    });
  });

  it('refuses a bad registry, repository, build and unknown fields, all at once', () => {
    expect(
      problemsOf(() =>
        readRegisterImage({
          registry: 'Sandbox',
          repository: 'Team/app',
          digest: DIGEST,
          build: { commit: 'x'.repeat(201), url: 'ftp://ci.example.com/1', other: 1 },
          admin: true,
        }),
      ),
    ).toEqual([
      'registry:matches',
      'repository:repository',
      'build.commit:maxLength',
      'build.url:url',
      'build.other:unknownField',
      'admin:unknownField',
    ]);
    expect(problemsOf(() => readRegisterImage({ tag: '1' }))).toEqual([
      'registry:required',
      'repository:required',
    ]);
    expect(problemsOf(() => readRegisterImage([]))).toEqual(['body:type']);
  });

  it.each([
    [[], { tag: '1.0' }, []],
    [['1.0', 'latest'], { digest: DIGEST }, []],
    [['1.0'], { tag: '1.0' }, ['tag:exactlyOneOf']],
    [['-bad'], { digest: DIGEST }, ['tag:tag']],
  ])('observed tags %p with %p → %p', (tags, reference, expected) => {
    const read = () => readRegisterImage({ ...BASE, ...reference }, tags);
    if (expected.length === 0) expect(() => read()).not.toThrow();
    else expect(problemsOf(read)).toEqual(expected);
  });

  it('reads the list query: filters, the gate with its status, the cursor and the limit', () => {
    expect(readImageListQuery({})).toEqual({ limit: 50 });
    const cursor = encodeCursor(
      '2026-01-02 03:04:05.123456+00',
      '00000000-0000-4000-8000-000000000000',
    );
    expect(
      readImageListQuery({ repository: 'team/app', gate: 'scan', cursor, limit: '10' }),
    ).toEqual({
      repository: 'team/app',
      gate: { name: 'scan', status: 'passed' },
      before: {
        createdAtKey: '2026-01-02 03:04:05.123456+00',
        id: '00000000-0000-4000-8000-000000000000',
      },
      limit: 10,
    });
    expect(readImageListQuery({ gate: 'e2e', gateStatus: 'missing' }).gate).toEqual({
      name: 'e2e',
      status: 'missing',
    });
  });

  it('refuses every bad list parameter at once', () => {
    expect(
      problemsOf(() =>
        readImageListQuery({
          repository: 'A',
          digest: 'x',
          stage: 'Prod',
          gateStatus: 'maybe',
          cursor: 'garbage',
          limit: '201',
          other: '1',
        }),
      ),
    ).toEqual([
      'repository:repository',
      'digest:digest',
      'stage:matches',
      'gateStatus:oneOf',
      'gateStatus:requires',
      'cursor:cursor',
      'limit:max',
      'other:unknownField',
    ]);
    expect(problemsOf(() => readImageListQuery({ limit: '1.5' }))).toEqual(['limit:type']);
    expect(problemsOf(() => readImageListQuery({ limit: '0' }))).toEqual(['limit:min']);
  });

  it('reads the digest path parameter and the show query', () => {
    expect(readImageDigest(DIGEST)).toBe(DIGEST);
    expect(problemsOf(() => readImageDigest('sha256:x'))).toEqual(['digest:digest']);
    expect(readImageShowQuery({ repository: 'team/app' })).toEqual({ repository: 'team/app' });
    expect(problemsOf(() => readImageShowQuery({ repository: 'A', x: '1' }))).toEqual([
      'repository:repository',
      'x:unknownField',
    ]);
  });

  it('reads the drift query, the base in canonical form', () => {
    expect(readDriftQuery({})).toEqual({});
    expect(readDriftQuery({ stage: 'prod', base: 'alpine:3.19' })).toEqual({
      stage: 'prod',
      base: 'docker.io/library/alpine:3.19',
    });
    expect(
      problemsOf(() => readDriftQuery({ base: 'Not An Image', stage: 'x'.repeat(64) })),
    ).toEqual(['base:matches', 'stage:maxLength']);
  });
});
