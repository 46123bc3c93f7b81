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
const SIG = 'application/vnd.dev.cosign.artifact.sig.v1+json';

const ledger: LedgerExpectation = {
  tags: [
    { repository: 'team/app', tag: '1.0.0', digest: A },
    { repository: 'team/app', tag: '2.0.0', digest: B },
  ],
  digests: [
    { repository: 'team/app', digest: A, requiredReferrers: [SIG] },
    { repository: 'team/app', digest: B, requiredReferrers: [] },
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
    };
    expect(findingKey(base)).toBe(findingKey({ ...base }));
    expect(findingKey(base)).not.toBe(findingKey({ ...base, tag: 'u' }));
  });
});
