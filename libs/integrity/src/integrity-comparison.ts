/** The kinds of finding (the `integrity_findings.kind` CHECK constraint allows these). */
export const FINDING_KINDS = [
  'unexpected-tag',
  'moved-tag',
  'missing-digest',
  'missing-referrer',
] as const;
export type FindingKind = (typeof FINDING_KINDS)[number];

/** What the ledger says one registry holds: asked of images and promotions, never read here. */
export interface LedgerExpectation {
  /** Tags Airlock wrote (or resolved) there: repository, tag, the digest it pointed at. */
  tags: ReadonlyArray<{ repository: string; tag: string; digest: string }>;
  /**
   * Digests Airlock put (or saw) there, with the referrer artifact types the stage they entered
   * requires (empty when none) of the digest itself and of each of its platform manifests: each
   * must still be present, with those referrers.
   */
  digests: ReadonlyArray<ExpectedDigest>;
}

export interface ExpectedDigest {
  repository: string;
  digest: string;
  /** An index's platform manifests as the image ledger recorded them (their fallback tags are Airlock's too). */
  childDigests: string[];
  requiredReferrers: string[];
  /** Required of every platform manifest of an index; of the image itself for a single image. */
  requiredPlatformReferrers: string[];
}

/** A platform manifest of a recorded index and the artifact types of its referrers. */
export interface ObservedPlatform {
  digest: string;
  /** `os/architecture[/variant]`. */
  platform: string;
  types: readonly string[];
}

/** What one run saw in the registry. */
export interface RegistryObservation {
  /** Repositories whose tags were all listed and resolved: only there is an absent tag absent. */
  complete: ReadonlySet<string>;
  /** Per repository, tag → the digest HEAD answered (referrers fallback tags left out). */
  tags: ReadonlyMap<string, ReadonlyMap<string, string>>;
  /** `repository@digest` → present (a tag points at it, or HEAD by digest answered). Unchecked: absent. */
  digests: ReadonlyMap<string, boolean>;
  /** `repository@digest` → the artifact types of its referrers (only digests that require some). */
  referrers: ReadonlyMap<string, readonly string[]>;
  /**
   * `repository@digest` → its platform manifests with their referrers' types (only digests
   * whose stage requires platform referrers); null for a single image.
   */
  platforms: ReadonlyMap<string, readonly ObservedPlatform[] | null>;
}

/**
 * One thing the ledger does not explain. `tag` or `digest` (with `artifactType`, and for a
 * platform manifest of an index `platform` and `platformDigest`) names it.
 */
export interface Finding {
  kind: FindingKind;
  repository: string;
  tag: string | null;
  digest: string | null;
  artifactType: string | null;
  platform: string | null;
  platformDigest: string | null;
  expectedDigest: string | null;
  actualDigest: string | null;
}

export function placeOf(repository: string, digest: string): string {
  return `${repository}@${digest}`;
}

/** The key that makes a finding seen again the same finding (the live unique index's columns). */
export function findingKey(
  f: Pick<Finding, 'kind' | 'repository' | 'tag' | 'digest' | 'artifactType' | 'platformDigest'>,
): string {
  return [
    f.kind,
    f.repository,
    f.tag ?? '',
    f.digest ?? '',
    f.artifactType ?? '',
    f.platformDigest ?? '',
  ].join('\u0000');
}

/**
 * Holds a registry's listing against the ledger; pure. A tag that points at a digest Airlock
 * never recorded in that repository is `unexpected-tag`; a recorded tag pointing elsewhere (or
 * gone from a fully listed repository while its digest is still there) is `moved-tag`; a
 * recorded digest that is gone is `missing-digest` (its tags going with it say nothing more); a
 * present digest — or a platform manifest of a present index — lacking a referrer type its
 * stage requires is `missing-referrer`.
 */
export function compareWithLedger(ledger: LedgerExpectation, seen: RegistryObservation): Finding[] {
  return [...tagFindings(ledger, seen), ...digestFindings(ledger, seen)];
}

function tagFindings(ledger: LedgerExpectation, seen: RegistryObservation): Finding[] {
  const findings: Finding[] = [];
  const known = new Set(ledger.digests.map((d) => placeOf(d.repository, d.digest)));
  for (const t of ledger.tags) known.add(placeOf(t.repository, t.digest));
  const recorded = new Map(ledger.tags.map((t) => [`${t.repository}:${t.tag}`, t.digest]));
  for (const [repository, tags] of seen.tags) {
    for (const [tag, actual] of tags) {
      const expected = recorded.get(`${repository}:${tag}`);
      if (expected !== undefined) {
        if (expected !== actual)
          findings.push(tagFinding('moved-tag', repository, tag, expected, actual));
      } else if (!known.has(placeOf(repository, actual))) {
        findings.push(tagFinding('unexpected-tag', repository, tag, null, actual));
      }
    }
  }
  for (const t of ledger.tags) {
    if (!seen.complete.has(t.repository) || seen.tags.get(t.repository)?.has(t.tag)) continue;
    // The tag went with its manifest: that is the digest's finding, not the tag's.
    if (seen.digests.get(placeOf(t.repository, t.digest)) === false) continue;
    findings.push(tagFinding('moved-tag', t.repository, t.tag, t.digest, null));
  }
  return findings;
}

function digestFindings(ledger: LedgerExpectation, seen: RegistryObservation): Finding[] {
  const findings: Finding[] = [];
  for (const d of ledger.digests) {
    const present = seen.digests.get(placeOf(d.repository, d.digest));
    if (present === undefined) continue; // not checked this run (capped)
    if (!present) findings.push(digestFinding('missing-digest', d, null));
    else findings.push(...referrerFindings(d, seen));
  }
  return findings;
}

/** The digest's own required referrers, then each platform manifest's (a single image: its own). */
function referrerFindings(d: ExpectedDigest, seen: RegistryObservation): Finding[] {
  const place = placeOf(d.repository, d.digest);
  const types = seen.referrers.get(place);
  if (types === undefined) return [];
  const platforms = seen.platforms.get(place);
  const ownRequired = new Set(d.requiredReferrers);
  if (platforms === null) for (const type of d.requiredPlatformReferrers) ownRequired.add(type);
  const findings = [...ownRequired]
    .filter((type) => !types.includes(type))
    .map((type) => digestFinding('missing-referrer', d, type));
  for (const platform of platforms ?? [])
    for (const type of new Set(d.requiredPlatformReferrers))
      if (!platform.types.includes(type))
        findings.push({
          ...digestFinding('missing-referrer', d, type),
          platform: platform.platform,
          platformDigest: platform.digest,
        });
  return findings;
}

function tagFinding(
  kind: FindingKind,
  repository: string,
  tag: string,
  expectedDigest: string | null,
  actualDigest: string | null,
): Finding {
  return { ...NO_SUBJECT, kind, repository, tag, expectedDigest, actualDigest };
}

function digestFinding(
  kind: FindingKind,
  { repository, digest }: ExpectedDigest,
  artifactType: string | null,
): Finding {
  return {
    ...NO_SUBJECT,
    kind,
    repository,
    digest,
    artifactType,
    expectedDigest: digest,
    actualDigest: null,
  };
}

const NO_SUBJECT = {
  tag: null,
  digest: null,
  artifactType: null,
  platform: null,
  platformDigest: null,
} as const;
