import { AirlockError } from '@airlock/errors';
import type { PolicyRuleSet } from './policy-evaluation';
import { assertValidPolicy } from './policy-rules';

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

function fieldsOf(policy: Partial<PolicyRuleSet>): string[] {
  try {
    assertValidPolicy({ ...VALID, ...policy });
    return [];
  } catch (error) {
    expect((error as AirlockError).code).toBe('INVALID_INPUT');
    return ((error as AirlockError).details.errors as Array<{ field: string }>).map((e) => e.field);
  }
}

describe('assertValidPolicy', () => {
  it.each([
    [{}, []],
    [{ tagPattern: null }, []],
    [{ requiredGates: ['ok', 'Not OK'] }, ['requiredGates[1]']],
    [{ requiredGates: ['a', 'a'] }, ['requiredGates']],
    [{ allowedSourceStages: ['prod eu'] }, ['allowedSourceStages[0]']],
    [{ requiredReferrers: ['sbom'] }, ['requiredReferrers[0]']],
    [
      { requiredPlatformReferrers: ['application/spdx+json', 'sbom'] },
      ['requiredPlatformReferrers[1]'],
    ],
    [{ requiredPlatformReferrers: ['a/b', 'a/b'] }, ['requiredPlatformReferrers']],
    [{ approvalsRequired: -1 }, ['approvalsRequired']],
    [{ approvalsRequired: 1.5 }, ['approvalsRequired']],
    [{ tagPattern: '(' }, ['tagPattern']],
    [{ tagPattern: '' }, ['tagPattern']],
    [{ requiredGates: Array.from({ length: 51 }, (_, i) => `g${i}`) }, ['requiredGates']],
  ] as Array<[Partial<PolicyRuleSet>, string[]]>)('%j → fields %j', (policy, fields) => {
    expect(fieldsOf(policy)).toEqual(fields);
  });
});
