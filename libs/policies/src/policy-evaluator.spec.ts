import type { PolicyEvaluation, PolicyEvaluationInput, PolicyRuleSet } from './policy-evaluation';
import { compileTagPattern, PolicyEvaluator } from './policy-evaluator';

const DIGEST = `sha256:${'a'.repeat(64)}`;
const OTHER = `sha256:${'b'.repeat(64)}`;

const OPEN: PolicyRuleSet = {
  allowedSourceStages: [],
  requiredGates: [],
  approvalsRequired: 0,
  immutableTags: false,
  tagPattern: null,
  forbidLatest: false,
  requiredReferrers: [],
  requiredPlatformReferrers: [],
};

function input(
  policy: Partial<PolicyRuleSet>,
  rest: Partial<PolicyEvaluationInput> = {},
): PolicyEvaluationInput {
  return {
    policy: { ...OPEN, ...policy },
    digest: DIGEST,
    latestGates: [],
    approvals: [],
    excludedPrincipals: [],
    sourceStage: 'ci',
    requestedTags: [],
    existingTargetTags: new Map(),
    referrerTypes: [],
    platformReferrers: [{ digest: DIGEST, referrerTypes: [] }],
    ...rest,
  };
}

const evaluate = (i: PolicyEvaluationInput): PolicyEvaluation => new PolicyEvaluator().evaluate(i);
const rulesOf = (e: PolicyEvaluation) => e.violations.map((v) => v.rule);

describe('PolicyEvaluator', () => {
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

  describe('tags', () => {
    it.each([
      { pattern: '\\d+\\.\\d+\\.\\d+', tag: '1.2.3', ok: true },
      { pattern: '\\d+\\.\\d+\\.\\d+', tag: 'v1.2.3', ok: false },
      { pattern: '\\d+\\.\\d+\\.\\d+', tag: '1.2.3-rc1', ok: false },
      { pattern: 'v\\d+|stable', tag: 'stable', ok: true },
      { pattern: 'v\\d+|stable', tag: 'v1-stable', ok: false },
      { pattern: 'release-.*', tag: 'release-2024', ok: true },
      { pattern: '[', tag: 'anything', ok: false },
    ])('pattern /$pattern/ is anchored: $tag → ok: $ok', ({ pattern, tag, ok }) => {
      const result = evaluate(input({ tagPattern: pattern }, { requestedTags: [tag] }));
      expect(rulesOf(result)).toEqual(ok ? [] : ['tagPattern']);
      if (!ok) expect(result.violations[0]!.field).toBe('tags[0]');
    });

    it.each([
      { forbid: true, tags: ['latest'], violated: ['latestForbidden'] },
      { forbid: true, tags: ['1.0', 'latest'], violated: ['latestForbidden'] },
      { forbid: true, tags: ['Latest', 'latest-1'], violated: [] },
      { forbid: false, tags: ['latest'], violated: [] },
    ])('forbidLatest $forbid, tags $tags → $violated', ({ forbid, tags, violated }) => {
      expect(rulesOf(evaluate(input({ forbidLatest: forbid }, { requestedTags: tags })))).toEqual(
        violated,
      );
    });

    it('names the offending tag by its index', () => {
      const result = evaluate(input({ forbidLatest: true }, { requestedTags: ['1.0', 'latest'] }));
      expect(result.violations).toEqual([
        {
          rule: 'latestForbidden',
          field: 'tags[1]',
          message: 'The tag "latest" is not allowed in this stage',
        },
      ]);
    });

    it.each([
      { immutable: true, existing: [['1.0', OTHER]], violated: ['immutableTag'] },
      { immutable: true, existing: [['1.0', DIGEST]], violated: [] },
      { immutable: true, existing: [['2.0', OTHER]], violated: [] },
      { immutable: false, existing: [['1.0', OTHER]], violated: [] },
    ])(
      'immutable $immutable, existing $existing → $violated',
      ({ immutable, existing, violated }) => {
        const existingTargetTags = new Map(existing as Array<[string, string]>);
        const result = evaluate(
          input({ immutableTags: immutable }, { requestedTags: ['1.0'], existingTargetTags }),
        );
        expect(rulesOf(result)).toEqual(violated);
        if (violated.length) expect(result.violations[0]!.message).toContain(OTHER);
      },
    );
  });

  describe('requiredReferrer', () => {
    const SIG = 'application/vnd.dev.cosign.artifact.sig.v1+json';
    const SBOM = 'application/spdx+json';
    it.each([
      { required: [SIG], present: [SIG, SBOM], missing: 0 },
      { required: [SIG, SBOM], present: [SIG], missing: 1 },
      { required: [SIG, SBOM], present: [], missing: 2 },
      { required: [], present: [], missing: 0 },
    ])(
      'required $required.length, present $present.length → $missing missing',
      ({ required, present, missing }) => {
        const result = evaluate(input({ requiredReferrers: required }, { referrerTypes: present }));
        expect(rulesOf(result)).toEqual(Array(missing).fill('requiredReferrer'));
      },
    );
  });

  describe('requiredPlatformReferrer', () => {
    const SIG = 'application/vnd.dev.cosign.artifact.sig.v1+json';
    const SBOM = 'application/spdx+json';
    const AMD64 = `sha256:${'1'.repeat(64)}`;
    const ARM64 = `sha256:${'2'.repeat(64)}`;
    const platforms = (amd64: string[], arm64: string[]) => [
      { digest: AMD64, platform: 'linux/amd64', referrerTypes: amd64 },
      { digest: ARM64, platform: 'linux/arm64', referrerTypes: arm64 },
    ];
    it.each([
      {
        name: 'every platform signed',
        required: [SIG],
        present: platforms([SIG], [SIG, SBOM]),
        missing: [],
      },
      {
        name: 'one platform unsigned',
        required: [SIG],
        present: platforms([SIG], [SBOM]),
        missing: [['linux/arm64', ARM64, SIG]],
      },
      {
        name: 'two types, each missing somewhere',
        required: [SIG, SBOM],
        present: platforms([SIG], [SBOM]),
        missing: [
          ['linux/amd64', AMD64, SBOM],
          ['linux/arm64', ARM64, SIG],
        ],
      },
      { name: 'nothing required', required: [], present: platforms([], []), missing: [] },
      { name: 'no platform manifests', required: [SIG], present: [], missing: [] },
    ])('$name', ({ required, present, missing }) => {
      const result = evaluate(
        input({ requiredPlatformReferrers: required }, { platformReferrers: present }),
      );
      expect(rulesOf(result)).toEqual(missing.map(() => 'requiredPlatformReferrer'));
      expect(result.violations.map((v) => v.message)).toEqual(
        missing.map(
          ([platform, digest, type]) =>
            `Platform ${platform} (${digest}) has no referrer of type ${type}; every platform manifest must have one`,
        ),
      );
    });

    it('names a single-platform image by its digest', () => {
      const result = evaluate(input({ requiredPlatformReferrers: [SIG] }));
      expect(result.violations).toEqual([
        {
          rule: 'requiredPlatformReferrer',
          message: `The image ${DIGEST} has no referrer of type ${SIG}; every platform manifest must have one`,
        },
      ]);
    });

    it('is independent of the referrers of the index itself', () => {
      const result = evaluate(
        input(
          { requiredReferrers: [SIG], requiredPlatformReferrers: [SIG] },
          { referrerTypes: [SIG], platformReferrers: platforms([], [SIG]) },
        ),
      );
      expect(rulesOf(result)).toEqual(['requiredPlatformReferrer']);
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

describe('compileTagPattern', () => {
  it('anchors the pattern and refuses one that does not compile', () => {
    expect(compileTagPattern('a|b')!.test('ab')).toBe(false);
    expect(compileTagPattern('a|b')!.test('b')).toBe(true);
    expect(compileTagPattern('(')).toBeNull();
  });
});
