import { AirlockError } from '@airlock/errors';
import {
  checkDigest,
  MAX_DETAILS_BYTES,
  readApproval,
  readGateResult,
  readHistoryQuery,
} from './gate-rules';

const DIGEST = `sha256:${'0123456789abcdef'.repeat(4)}`;

function problemsOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(AirlockError);
    expect((error as AirlockError).code).toBe('INVALID_INPUT');
    return ((error as AirlockError).details.errors as Array<{ field: string; rule: string }>).map(
      (p) => `${p.field}:${p.rule}`,
    );
  }
  return [];
}

/** A body as JSON would bring it: a field set to undefined is left out. */
const result = (body: Record<string, unknown>) => () =>
  readGateResult(DIGEST, JSON.parse(JSON.stringify({ gate: 'unit', status: 'passed', ...body })));

describe('gate input rules', () => {
  it.each([
    [DIGEST, []],
    [`sha256:${'A'.repeat(64)}`, ['digest:digest']],
    [`sha256:${'a'.repeat(63)}`, ['digest:digest']],
    [`sha512:${'a'.repeat(64)}`, ['digest:digest']],
    ['latest', ['digest:digest']],
    [undefined, ['digest:required']],
    [42, ['digest:type']],
  ])('digest %p: %p', (digest, problems) => {
    expect(problemsOf(() => checkDigest(digest))).toEqual(problems);
  });

  it.each([
    ['unit-tests', true],
    ['trivy.scan_v2', true],
    ['0', true],
    ['a'.repeat(63), true],
    ['a'.repeat(64), false],
    ['-tests', false],
    ['Unit', false],
    ['with space', false],
    ['', false],
  ])('gate name %p valid: %p', (gate, valid) => {
    expect(problemsOf(result({ gate }))).toEqual(valid ? [] : ['gate:matches']);
  });

  it.each([
    [undefined, []],
    [null, []],
    ['https://ci.example.com/job/1', []],
    ['http://127.0.0.1:8080/x', []],
    ['ftp://example.com/x', ['url:url']],
    ['javascript:alert(1)', ['url:url']],
    ['not a url', ['url:url']],
    [`https://example.com/${'x'.repeat(2100)}`, ['url:maxLength']],
  ])('url %p: %p', (url, problems) => {
    expect(problemsOf(result({ url }))).toEqual(problems);
  });

  it.each([
    [undefined, []],
    [null, []],
    [{ passed: 3 }, []],
    [{ blob: 'x'.repeat(MAX_DETAILS_BYTES - 20) }, []],
    [{ blob: 'x'.repeat(MAX_DETAILS_BYTES) }, ['details:maxSize']],
    [[1, 2], ['details:type']],
    ['text', ['details:type']],
  ])('details %#: %p', (details, problems) => {
    expect(problemsOf(result({ details }))).toEqual(problems);
  });

  it('names every field at fault in one INVALID_INPUT, the path digest included', () => {
    expect(
      problemsOf(() =>
        readGateResult('nope', {
          gate: 'Bad',
          status: 'ok',
          url: 'ftp://x',
          details: [],
          extra: 1,
        }),
      ),
    ).toEqual([
      'digest:digest',
      'gate:matches',
      'status:oneOf',
      'url:url',
      'details:type',
      'extra:unknownField',
    ]);
    expect(problemsOf(() => readGateResult(DIGEST, [{ gate: 'unit' }]))).toEqual(['body:type']);
    expect(problemsOf(() => readGateResult(DIGEST, { status: 'passed' }))).toEqual([
      'gate:required',
    ]);
  });

  it('reads a result as it is stored: url and details default to null and {}', () => {
    expect(readGateResult(DIGEST, { gate: 'unit', status: 'failed' })).toEqual({
      digest: DIGEST,
      input: { gate: 'unit', status: 'failed', url: null, details: {} },
    });
  });

  it('reads approvals: the gate defaults to `approval`, a comment is a bounded string', () => {
    expect(readApproval(DIGEST, {}).input).toEqual({ gate: 'approval', comment: undefined });
    expect(problemsOf(() => readApproval(DIGEST, { comment: 'x'.repeat(2001) }))).toEqual([
      'comment:maxLength',
    ]);
    expect(problemsOf(() => readApproval(DIGEST, { comment: 1, verdict: 'yes' }))).toEqual([
      'comment:type',
      'verdict:unknownField',
    ]);
  });

  it('reads the history query from its text', () => {
    expect(readHistoryQuery(DIGEST, { limit: '2', cursor: '17' }).filters).toEqual({
      gate: undefined,
      cursor: '17',
      limit: 2,
    });
    expect(readHistoryQuery(DIGEST, {}).filters.limit).toBe(50);
    expect(problemsOf(() => readHistoryQuery(DIGEST, { limit: '0', cursor: 'abc' }))).toEqual([
      'cursor:cursor',
      'limit:min',
    ]);
  });
});
