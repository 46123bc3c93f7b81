import type { AirlockError } from '@airlock/errors';
import { encodeCursor } from '@airlock/validation';
import {
  readPromotionId,
  readPromotionListQuery,
  readPromotionRequest,
  requestHash,
  type PromotionRequest,
} from './promotion-rules';

const DIGEST = `sha256:${'a'.repeat(64)}`;
const ID = '0b7d8f8e-3c1a-4a57-9d5e-2f1c3b4a5d6e';
const base = { repository: 'team/app', digest: DIGEST, source: 'ci', target: 'prod' };

/** `field:rule` of every problem the read throws as one INVALID_INPUT. */
function problemsOf(read: () => unknown): string[] {
  try {
    read();
  } catch (error) {
    expect((error as AirlockError).code).toBe('INVALID_INPUT');
    return ((error as AirlockError).details.errors as Array<{ field: string; rule: string }>).map(
      ({ field, rule }) => `${field}:${rule}`,
    );
  }
  return [];
}

const requestProblems = (body: Record<string, unknown>, key?: unknown) =>
  problemsOf(() => readPromotionRequest(body, key));

describe('promotion request rules', () => {
  it('accepts a digest or a tag, never both or neither', () => {
    const { digest: _digest, ...neither } = base;
    expect(requestProblems(base)).toEqual([]);
    expect(requestProblems({ ...neither, tag: 'build-1' })).toEqual([]);
    expect(requestProblems({ ...base, tag: 'build-1' })).toEqual(['digest:exactlyOneOf']);
    expect(requestProblems(neither)).toEqual(['digest:exactlyOneOf']);
  });

  it('reads the request as sent, absent fields left out', () => {
    const body = { ...base, sourceRegistry: 'ci-pool', tags: ['1.0.0'], dryRun: false };
    expect(readPromotionRequest(body, 'build-42')).toEqual({
      request: body,
      idempotencyKey: 'build-42',
    });
    expect(readPromotionRequest(base)).toEqual({ request: base });
  });

  it('names each bad tag by its index, and refuses repeats', () => {
    expect(requestProblems({ ...base, tags: ['1.0.0', '-bad', '1.0.0'] })).toEqual([
      'tags[1]:tag',
      'tags[2]:uniqueItems',
    ]);
    const many = Array.from({ length: 21 }, (_, i) => `v${i}`);
    expect(requestProblems({ ...base, tags: many })).toEqual(['tags:maxItems']);
  });

  it('checks both repositories', () => {
    const problems = requestProblems({ ...base, repository: 'Team/App', targetRepository: 'x//y' });
    expect(problems).toEqual(['repository:repository', 'targetRepository:repository']);
  });

  it('names every field at fault at once: missing, of the wrong type, unknown, malformed', () => {
    expect(
      requestProblems({ repository: 7, digest: DIGEST, target: 'Prod', dryRun: 'yes', x: 1 }),
    ).toEqual([
      'repository:type',
      'source:required',
      'target:matches',
      'dryRun:type',
      'x:unknownField',
    ]);
    expect(problemsOf(() => readPromotionRequest(undefined))).toEqual(['body:required']);
    expect(requestProblems({ ...base, sourceRegistry: 'CI' })).toEqual(['sourceRegistry:matches']);
  });

  it('Idempotency-Key: printable ASCII, 1-255 characters', () => {
    expect(requestProblems(base, undefined)).toEqual([]);
    expect(requestProblems(base, 'jenkins-app-42')).toEqual([]);
    for (const key of ['', 'with space', 'x'.repeat(256), ['a', 'b']])
      expect(requestProblems(base, key)).toEqual(['Idempotency-Key:idempotencyKey']);
  });

  it('hashes the request independently of key order and absent fields', () => {
    const a = requestHash({ ...base, tags: ['1.0.0'], dryRun: undefined });
    const b = requestHash({
      tags: ['1.0.0'],
      target: 'prod',
      source: 'ci',
      digest: DIGEST,
      repository: 'team/app',
    });
    expect(a).toBe(b);
    expect(requestHash({ ...base, tags: ['1.0.1'] })).not.toBe(a);
    expect(requestHash({ ...base, tags: ['b', 'a'] })).not.toBe(
      requestHash({ ...base, tags: ['a', 'b'] }),
    );
  });

  it('hashes what the reader read as it hashed the body before (stored keys still replay)', () => {
    const body: PromotionRequest = { ...base, tags: ['1.0.0'], dryRun: false };
    expect(requestHash(readPromotionRequest(body).request)).toBe(requestHash(body));
  });
});

describe('promotion list query and id', () => {
  it('reads filters, the page size and the cursor from their text', () => {
    const cursor = encodeCursor('2026-12-02 10:11:12.123456+00', ID);
    expect(
      readPromotionListQuery({
        digest: DIGEST,
        stage: 'prod',
        status: 'failed',
        limit: '5',
        cursor,
      }),
    ).toEqual({
      digest: DIGEST,
      stage: 'prod',
      status: 'failed',
      limit: 5,
      before: { createdAtKey: '2026-12-02 10:11:12.123456+00', id: ID },
    });
    expect(readPromotionListQuery({})).toEqual({ limit: 50 });
  });

  it('names each bad parameter', () => {
    expect(
      problemsOf(() =>
        readPromotionListQuery({
          digest: 'sha256:x',
          status: 'done',
          limit: '0',
          cursor: 'nope',
          stage: ['a', 'b'],
        }),
      ),
    ).toEqual(['digest:digest', 'stage:type', 'status:oneOf', 'cursor:cursor', 'limit:min']);
    expect(problemsOf(() => readPromotionListQuery({ limit: '201' }))).toEqual(['limit:max']);
  });

  it('an id is a lowercase UUID', () => {
    expect(readPromotionId(ID)).toBe(ID);
    expect(problemsOf(() => readPromotionId(ID.toUpperCase()))).toEqual(['id:uuid']);
    expect(problemsOf(() => readPromotionId('42'))).toEqual(['id:uuid']);
  });
});
