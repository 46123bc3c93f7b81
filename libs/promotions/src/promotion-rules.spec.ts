import { checkIdempotencyKey, checkPromotionRequest, requestHash } from './promotion-rules';

const DIGEST = `sha256:${'a'.repeat(64)}`;
const base = { repository: 'team/app', digest: DIGEST, source: 'ci', target: 'prod' };

describe('promotion request rules', () => {
  it('accepts a digest or a tag, never both or neither', () => {
    expect(checkPromotionRequest(base)).toEqual([]);
    expect(checkPromotionRequest({ ...base, digest: undefined, tag: 'build-1' })).toEqual([]);
    expect(checkPromotionRequest({ ...base, tag: 'build-1' }).map((p) => p.rule)).toEqual([
      'exactlyOneOf',
    ]);
    expect(checkPromotionRequest({ ...base, digest: undefined }).map((p) => p.rule)).toEqual([
      'exactlyOneOf',
    ]);
  });

  it('names each bad tag by its index, and refuses repeats', () => {
    const problems = checkPromotionRequest({ ...base, tags: ['1.0.0', '-bad', '1.0.0'] });
    expect(problems.map((p) => `${p.field}:${p.rule}`)).toEqual(['tags[1]:tag', 'tags:unique']);
  });

  it('checks both repositories', () => {
    const problems = checkPromotionRequest({
      ...base,
      repository: 'Team/App',
      targetRepository: 'x//y',
    });
    expect(problems.map((p) => p.field)).toEqual(['repository', 'targetRepository']);
  });

  it('Idempotency-Key: printable ASCII, 1-255 characters', () => {
    expect(checkIdempotencyKey(undefined)).toEqual([]);
    expect(checkIdempotencyKey('jenkins-app-42')).toEqual([]);
    expect(checkIdempotencyKey('')).toHaveLength(1);
    expect(checkIdempotencyKey('with space')).toHaveLength(1);
    expect(checkIdempotencyKey('x'.repeat(256))).toHaveLength(1);
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
});
