import { AirlockError } from '@airlock/errors';
import {
  checkDetails,
  checkDigest,
  checkGateName,
  checkResult,
  checkUrl,
  MAX_DETAILS_BYTES,
  throwIfInvalid,
} from './gate-rules';

const DIGEST = `sha256:${'0123456789abcdef'.repeat(4)}`;

describe('gate input rules', () => {
  it.each([
    [DIGEST, true],
    [`sha256:${'A'.repeat(64)}`, false],
    [`sha256:${'a'.repeat(63)}`, false],
    [`sha512:${'a'.repeat(64)}`, false],
    ['latest', false],
    [undefined, false],
  ])('digest %p valid: %p', (digest, valid) => {
    expect(checkDigest(digest)).toHaveLength(valid ? 0 : 1);
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
    [42, false],
  ])('gate name %p valid: %p', (gate, valid) => {
    expect(checkGateName(gate)).toHaveLength(valid ? 0 : 1);
  });

  it.each([
    [undefined, true],
    ['https://ci.example.com/job/1', true],
    ['http://127.0.0.1:8080/x', true],
    ['ftp://example.com/x', false],
    ['javascript:alert(1)', false],
    ['not a url', false],
    [`https://example.com/${'x'.repeat(2100)}`, false],
  ])('url %p valid: %p', (url, valid) => {
    expect(checkUrl(url)).toHaveLength(valid ? 0 : 1);
  });

  it.each([
    [undefined, true],
    [{ passed: 3 }, true],
    [{ blob: 'x'.repeat(MAX_DETAILS_BYTES - 20) }, true],
    [{ blob: 'x'.repeat(MAX_DETAILS_BYTES) }, false],
    [[1, 2], false],
    ['text', false],
  ])('details %#: valid %p', (details, valid) => {
    expect(checkDetails(details)).toHaveLength(valid ? 0 : 1);
  });

  it('names every field at fault in one INVALID_INPUT', () => {
    const problems = checkResult('nope', {
      gate: 'Bad',
      status: 'ok',
      url: 'ftp://x',
      details: [],
    });
    expect(problems.map((p) => `${p.field}:${p.rule}`)).toEqual([
      'digest:digest',
      'gate:gateName',
      'status:isIn',
      'url:url',
      'details:isObject',
    ]);
    try {
      throwIfInvalid(problems);
      throw new Error('not thrown');
    } catch (error) {
      expect(error).toBeInstanceOf(AirlockError);
      expect((error as AirlockError).code).toBe('INVALID_INPUT');
      expect((error as AirlockError).details.errors).toEqual(problems);
    }
  });
});
