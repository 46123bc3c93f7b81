import { evaluate, input, OTHER, rulesOf } from '../test/policy-input';

describe('PolicyEvaluator: source stage, gates and approvals', () => {
  it('admits anything under an empty policy', () => {
    expect(evaluate(input({}, { requestedTags: ['latest', 'x'] }))).toEqual({
      ready: true,
      satisfied: [],
      missing: [],
      failed: [],
      violations: [],
    });
  });

  describe('sourceStage', () => {
    it.each([
      { allowed: [], source: 'sandbox', violated: false },
      { allowed: [], source: undefined, violated: false },
      { allowed: ['ci'], source: 'ci', violated: false },
      { allowed: ['ci', 'staging'], source: 'staging', violated: false },
      { allowed: ['ci'], source: 'sandbox', violated: true },
      { allowed: ['ci'], source: 'CI', violated: true },
      { allowed: ['ci'], source: undefined, violated: true },
    ])(
      'allowed $allowed, source $source → violated: $violated',
      ({ allowed, source, violated }) => {
        const result = evaluate(input({ allowedSourceStages: allowed }, { sourceStage: source }));
        expect(rulesOf(result)).toEqual(violated ? ['sourceStage'] : []);
        expect(result.ready).toBe(!violated);
        if (violated)
          expect(result.violations[0]).toMatchObject({
            field: 'source',
            message: expect.stringContaining('ci'),
          });
      },
    );
  });

  describe('requiredGate', () => {
    it.each([
      { name: 'no result', gates: [], satisfied: [], missing: ['tests'], failed: [] },
      {
        name: 'passed',
        gates: [{ gate: 'tests', status: 'passed' as const }],
        satisfied: ['tests'],
        missing: [],
        failed: [],
      },
      {
        name: 'failed',
        gates: [{ gate: 'tests', status: 'failed' as const }],
        satisfied: [],
        missing: [],
        failed: ['tests'],
      },
      {
        name: 'another gate only',
        gates: [{ gate: 'scan', status: 'passed' as const }],
        satisfied: [],
        missing: ['tests'],
        failed: [],
      },
    ])('one required gate, $name', ({ gates, satisfied, missing, failed }) => {
      const result = evaluate(input({ requiredGates: ['tests'] }, { latestGates: gates }));
      expect(result).toMatchObject({ satisfied, missing, failed, ready: satisfied.length === 1 });
      expect(rulesOf(result)).toEqual(satisfied.length === 1 ? [] : ['requiredGate']);
    });

    it('sorts several gates into satisfied, missing and failed, in policy order, each once', () => {
      const result = evaluate(
        input(
          { requiredGates: ['unit', 'scan', 'e2e', 'unit'] },
          {
            latestGates: [
              { gate: 'e2e', status: 'failed' },
              { gate: 'unit', status: 'passed' },
              { gate: 'extra', status: 'failed' },
            ],
          },
        ),
      );
      expect(result).toMatchObject({
        ready: false,
        satisfied: ['unit'],
        missing: ['scan'],
        failed: ['e2e'],
      });
      expect(result.violations.map((v) => v.message)).toEqual([
        'Required gate "scan" has no result yet',
        'Required gate "e2e" failed (its newest result)',
      ]);
    });

    it('ignores gates the policy does not require, even failed ones', () => {
      expect(evaluate(input({}, { latestGates: [{ gate: 'lint', status: 'failed' }] })).ready).toBe(
        true,
      );
    });
  });

  describe('requiredGate on an approval gate (four-eyes)', () => {
    const signoff = { gate: 'signoff', status: 'passed' as const, approval: true };
    const by = (approverId: string, gate = 'signoff') => ({
      gate,
      approverId,
      status: 'passed' as const,
    });
    it.each([
      {
        name: 'approved by another principal',
        approvals: [by('bob')],
        excluded: ['alice'],
        satisfied: ['signoff'],
        missing: [],
      },
      {
        name: 'approved only by the registrant',
        approvals: [by('alice')],
        excluded: ['alice'],
        satisfied: [],
        missing: ['signoff'],
      },
      {
        name: 'registrant and another',
        approvals: [by('alice'), by('bob')],
        excluded: ['alice'],
        satisfied: ['signoff'],
        missing: [],
      },
      {
        name: 'approved on another gate only',
        approvals: [by('bob', 'other')],
        excluded: [],
        satisfied: [],
        missing: [],
      },
    ])('$name', ({ approvals, excluded, satisfied, missing }) => {
      const result = evaluate(
        input(
          { requiredGates: ['signoff'] },
          { latestGates: [signoff], approvals, excludedPrincipals: excluded },
        ),
      );
      expect(result.satisfied).toEqual(satisfied);
      expect(result.missing).toEqual(missing);
      expect(result.ready).toBe(satisfied.length === 1);
    });

    it('says why a self-approved gate does not count', () => {
      const result = evaluate(
        input(
          { requiredGates: ['signoff'] },
          { latestGates: [signoff], approvals: [by('alice')], excludedPrincipals: ['alice'] },
        ),
      );
      expect(result.violations).toEqual([
        {
          rule: 'requiredGate',
          message:
            'Required approval gate "signoff" is approved only by who registered the image or requested the promotion',
        },
      ]);
    });
  });

  describe('approvals (four-eyes)', () => {
    const alice = { approverId: 'alice', status: 'passed' as const };
    const bob = { approverId: 'bob', status: 'passed' as const };
    it.each([
      { name: 'none needed, none given', required: 0, approvals: [], excluded: [], ready: true },
      { name: 'one needed, none given', required: 1, approvals: [], excluded: [], ready: false },
      { name: 'one needed, one given', required: 1, approvals: [alice], excluded: [], ready: true },
      {
        name: 'two needed, the same approver twice',
        required: 2,
        approvals: [alice, alice],
        excluded: [],
        ready: false,
      },
      {
        name: 'two needed, two approvers',
        required: 2,
        approvals: [alice, bob],
        excluded: [],
        ready: true,
      },
      {
        name: 'the registrant approving',
        required: 1,
        approvals: [alice],
        excluded: ['alice'],
        ready: false,
      },
      {
        name: 'one excluded, another counted',
        required: 1,
        approvals: [alice, bob],
        excluded: ['alice'],
        ready: true,
      },
      {
        name: 'a failed (withdrawn) approval',
        required: 1,
        approvals: [{ approverId: 'bob', status: 'failed' as const }],
        excluded: [],
        ready: false,
      },
    ])('$name → ready: $ready', ({ required, approvals, excluded, ready }) => {
      const result = evaluate(
        input({ approvalsRequired: required }, { approvals, excludedPrincipals: excluded }),
      );
      expect(result.ready).toBe(ready);
      expect(rulesOf(result)).toEqual(ready ? [] : ['approvals']);
    });

    it('says how many were counted and why an approval was not', () => {
      const result = evaluate(
        input({ approvalsRequired: 2 }, { approvals: [alice, bob], excludedPrincipals: ['bob'] }),
      );
      expect(result.violations[0]!.message).toBe(
        '2 approval(s) by distinct approvers required, 1 counted (1 not counted: the approver registered the image or requested the promotion)',
      );
    });
  });

  it('reports every broken rule at once, in the order of POLICY_RULES', () => {
    const result = evaluate(
      input(
        {
          allowedSourceStages: ['ci'],
          requiredGates: ['tests'],
          approvalsRequired: 1,
          immutableTags: true,
          tagPattern: '\\d+',
          forbidLatest: true,
          requiredReferrers: ['application/spdx+json'],
          requiredPlatformReferrers: ['application/spdx+json'],
        },
        {
          sourceStage: 'sandbox',
          requestedTags: ['latest'],
          existingTargetTags: new Map([['latest', OTHER]]),
        },
      ),
    );
    expect(result.ready).toBe(false);
    expect(rulesOf(result)).toEqual([
      'sourceStage',
      'requiredGate',
      'approvals',
      'tagPattern',
      'latestForbidden',
      'immutableTag',
      'requiredReferrer',
      'requiredPlatformReferrer',
    ]);
  });
});
