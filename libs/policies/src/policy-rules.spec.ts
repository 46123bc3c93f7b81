import { AirlockError } from '@airlock/errors';
import type { PolicyRuleSet } from './policy-evaluation';
import { readPolicy, readReadinessQuery } from './policy-rules';

const VALID: PolicyRuleSet = {
  allowedSourceStages: ['ci'],
  requiredGates: ['unit-tests', 'trivy'],
  approvalsRequired: 1,
  immutableTags: true,
  tagPattern: '\\d+\\.\\d+\\.\\d+',
  forbidLatest: true,
  requiredReferrers: ['application/vnd.dev.cosign.artifact.sig.v1+json'],
  requiredPlatformReferrers: ['application/spdx+json'],
};

function problemsOf(fn: () => unknown): string[] {
  try {
    fn();
    return [];
  } catch (error) {
    expect((error as AirlockError).code).toBe('INVALID_INPUT');
    return ((error as AirlockError).details.errors as Array<{ field: string; rule: string }>).map(
      (e) => `${e.field}:${e.rule}`,
    );
  }
}

describe('readPolicy', () => {
  it.each([
    [{}, []],
    [{ tagPattern: null }, []],
    [{ requiredGates: ['ok', 'Not OK'] }, ['requiredGates[1]:matches']],
    [{ requiredGates: ['a', 'a'] }, ['requiredGates[1]:uniqueItems']],
    [{ allowedSourceStages: ['prod eu'] }, ['allowedSourceStages[0]:matches']],
    [{ requiredReferrers: ['sbom'] }, ['requiredReferrers[0]:matches']],
    [
      { requiredPlatformReferrers: ['application/spdx+json', 'sbom'] },
      ['requiredPlatformReferrers[1]:matches'],
    ],
    [{ requiredPlatformReferrers: ['a/b', 'a/b'] }, ['requiredPlatformReferrers[1]:uniqueItems']],
    [{ approvalsRequired: -1 }, ['approvalsRequired:min']],
    [{ approvalsRequired: 1.5 }, ['approvalsRequired:integer']],
    [{ approvalsRequired: 21 }, ['approvalsRequired:max']],
    [{ tagPattern: '(' }, ['tagPattern:regex']],
    [{ tagPattern: '' }, ['tagPattern:minLength']],
    [{ requiredGates: Array.from({ length: 51 }, (_, i) => `g${i}`) }, ['requiredGates:maxItems']],
    [
      { requiredGates: null, immutable: false },
      ['requiredGates:notNull', 'immutable:unknownField'],
    ],
  ] as Array<[Record<string, unknown>, string[]]>)('%j → %j', (policy, problems) => {
    expect(problemsOf(() => readPolicy({ ...VALID, ...policy }))).toEqual(problems);
  });

  it('gives every field left out its default', () => {
    expect(readPolicy({ requiredGates: ['e2e'] })).toEqual({
      allowedSourceStages: [],
      requiredGates: ['e2e'],
      approvalsRequired: 0,
      immutableTags: true,
      tagPattern: null,
      forbidLatest: false,
      requiredReferrers: [],
      requiredPlatformReferrers: [],
    });
  });
});

describe('readReadinessQuery', () => {
  it('reads the stage, the source and comma-separated tags', () => {
    expect(readReadinessQuery({ stage: 'prod', source: 'ci', tags: '1.2.3, stable' })).toEqual({
      stage: 'prod',
      source: 'ci',
      tags: ['1.2.3', 'stable'],
    });
    expect(problemsOf(() => readReadinessQuery({ source: 'ci' }))).toEqual(['stage:required']);
    expect(problemsOf(() => readReadinessQuery({ stage: 'prod', tags: 'bad tag' }))).toEqual([
      'tags[0]:matches',
    ]);
  });
});
