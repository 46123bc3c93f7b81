import {
  compareWithLedger,
  findingKey,
  placeOf,
  type LedgerExpectation,
  type RegistryObservation,
} from './integrity-comparison';

const A = `sha256:${'a'.repeat(64)}`;
const B = `sha256:${'b'.repeat(64)}`;
const C = `sha256:${'c'.repeat(64)}`;
const AMD = `sha256:${'d'.repeat(64)}`;
const ARM = `sha256:${'e'.repeat(64)}`;
const SIG = 'application/vnd.dev.cosign.artifact.sig.v1+json';
const SBOM = 'application/spdx+json';

const ledger: LedgerExpectation = {
  tags: [
    { repository: 'team/app', tag: '1.0.0', digest: A },
    { repository: 'team/app', tag: '2.0.0', digest: B },
  ],
  digests: [
    {
      repository: 'team/app',
      digest: A,
      childDigests: [],
      requiredReferrers: [SIG],
      requiredPlatformReferrers: [],
    },
    {
      repository: 'team/app',
      digest: B,
      childDigests: [],
      requiredReferrers: [],
      requiredPlatformReferrers: [],
    },
  ],
};

function observation(overrides: Partial<RegistryObservation> = {}): RegistryObservation {
  return {
    complete: new Set(['team/app']),
    tags: new Map([
      [
        'team/app',
        new Map([
          ['1.0.0', A],
          ['2.0.0', B],
        ]),
      ],
    ]),
    digests: new Map([
      [placeOf('team/app', A), true],
      [placeOf('team/app', B), true],
    ]),
    referrers: new Map([[placeOf('team/app', A), [SIG]]]),
    platforms: new Map(),
    ...overrides,
  };
}

describe('compareWithLedger', () => {
  it('finds nothing when the registry holds what the ledger says', () => {
    expect(compareWithLedger(ledger, observation())).toEqual([]);
  });

  it('names a tag pointing at a digest Airlock never recorded there', () => {
    const seen = observation();
    (seen.tags.get('team/app') as Map<string, string>).set('hotfix', C);
    expect(compareWithLedger(ledger, seen)).toEqual([
      {
        kind: 'unexpected-tag',
        repository: 'team/app',
        tag: 'hotfix',
        digest: null,
        artifactType: null,
        platform: null,
        platformDigest: null,
        expectedDigest: null,
        actualDigest: C,
      },
    ]);
  });

  it('takes a new tag on a known digest as known (a retag of what Airlock put there)', () => {
    const seen = observation();
    (seen.tags.get('team/app') as Map<string, string>).set('stable', A);
    expect(compareWithLedger(ledger, seen)).toEqual([]);
  });

  it('names a recorded tag that now points elsewhere, or vanished while its digest stayed', () => {
    const seen = observation({
      tags: new Map([['team/app', new Map([['1.0.0', C]])]]),
    });
    expect(
      compareWithLedger(ledger, seen).map((f) => [f.kind, f.tag, f.expectedDigest, f.actualDigest]),
    ).toEqual([
      ['moved-tag', '1.0.0', A, C],
      ['moved-tag', '2.0.0', B, null],
    ]);
  });

  it('says nothing of absent tags in a repository it could not list whole (a capped run)', () => {
    const seen = observation({ complete: new Set(), tags: new Map() });
    expect(compareWithLedger(ledger, seen)).toEqual([]);
  });

  it('names a digest that is gone once, not the tag that went with it', () => {
    const seen = observation({
      tags: new Map([['team/app', new Map([['1.0.0', A]])]]),
      digests: new Map([
        [placeOf('team/app', A), true],
        [placeOf('team/app', B), false],
      ]),
    });
    expect(compareWithLedger(ledger, seen)).toEqual([
      {
        kind: 'missing-digest',
        repository: 'team/app',
        tag: null,
        digest: B,
        artifactType: null,
        platform: null,
        platformDigest: null,
        expectedDigest: B,
        actualDigest: null,
      },
    ]);
  });

  it('names each required referrer type a present digest lacks', () => {
    const seen = observation({ referrers: new Map([[placeOf('team/app', A), ['sbom']]]) });
    expect(compareWithLedger(ledger, seen)).toEqual([
      {
        kind: 'missing-referrer',
        repository: 'team/app',
        tag: null,
        digest: A,
        artifactType: SIG,
        platform: null,
        platformDigest: null,
        expectedDigest: A,
        actualDigest: null,
      },
    ]);
  });

  it('leaves digests it did not check alone', () => {
    const seen = observation({ digests: new Map(), referrers: new Map() });
    expect(compareWithLedger(ledger, seen)).toEqual([]);
  });

  it('keys a finding by what it is about, not by what it saw', () => {
    const base = {
      kind: 'moved-tag' as const,
      repository: 'r',
      tag: 't',
      digest: null,
      artifactType: null,
      platformDigest: null,
    };
    expect(findingKey(base)).toBe(findingKey({ ...base }));
    expect(findingKey(base)).not.toBe(findingKey({ ...base, tag: 'u' }));
    expect(findingKey(base)).not.toBe(findingKey({ ...base, platformDigest: ARM }));
  });

  describe('per-platform referrers', () => {
    const index: LedgerExpectation = {
      tags: [{ repository: 'team/app', tag: '3.0.0', digest: C }],
      digests: [
        {
          repository: 'team/app',
          digest: C,
          childDigests: [AMD, ARM],
          requiredReferrers: [SIG],
          requiredPlatformReferrers: [SBOM],
        },
      ],
    };
    const seenIndex = (arm: string[], single = false): RegistryObservation =>
      observation({
        tags: new Map([['team/app', new Map([['3.0.0', C]])]]),
        digests: new Map([[placeOf('team/app', C), true]]),
        referrers: new Map([[placeOf('team/app', C), [SIG]]]),
        platforms: new Map([
          [
            placeOf('team/app', C),
            single
              ? null
              : [
                  { digest: AMD, platform: 'linux/amd64', types: [SBOM] },
                  { digest: ARM, platform: 'linux/arm64', types: arm },
                ],
          ],
        ]),
      });

    it('finds nothing when every platform manifest has its required referrers', () => {
      expect(compareWithLedger(index, seenIndex([SBOM, SIG]))).toEqual([]);
    });

    it('names the platform manifest that lacks one, with the index it belongs to', () => {
      expect(compareWithLedger(index, seenIndex([SIG]))).toEqual([
        {
          kind: 'missing-referrer',
          repository: 'team/app',
          tag: null,
          digest: C,
          artifactType: SBOM,
          platform: 'linux/arm64',
          platformDigest: ARM,
          expectedDigest: C,
          actualDigest: null,
        },
      ]);
    });

    it('holds a single image to the platform rule itself, as the policy does', () => {
      const findings = compareWithLedger(index, seenIndex([], true));
      expect(findings.map((f) => [f.digest, f.artifactType, f.platformDigest])).toEqual([
        [C, SBOM, null],
      ]);
    });
  });
});
