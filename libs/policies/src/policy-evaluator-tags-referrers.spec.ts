import { DIGEST, evaluate, input, OTHER, rulesOf } from '../test/policy-input';
import { compileTagPattern } from './policy-evaluator';

describe('PolicyEvaluator: tags and referrers', () => {
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
});

describe('compileTagPattern', () => {
  it('anchors the pattern and refuses one that does not compile', () => {
    expect(compileTagPattern('a|b')!.test('ab')).toBe(false);
    expect(compileTagPattern('a|b')!.test('b')).toBe(true);
    expect(compileTagPattern('(')).toBeNull();
  });
});
