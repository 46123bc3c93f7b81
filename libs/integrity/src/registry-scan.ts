import { errorSummary } from '@airlock/errors';
import { readReferrerTree, type Descriptor, type RegistryClient } from '@airlock/registry-client';
import {
  placeOf,
  type ExpectedDigest,
  type LedgerExpectation,
  type ObservedPlatform,
  type RegistryObservation,
} from './integrity-comparison';

/** The most one run reads (AIRLOCK_INTEGRITY_MAX_REPOSITORIES / _MAX_TAGS). */
export interface ScanLimits {
  maxRepositories: number;
  maxTags: number;
}

/** What a scan saw, how much it read, and whether it saw everything. */
export interface ScanResult {
  observation: RegistryObservation;
  repositoriesChecked: number;
  tagsChecked: number;
  digestsChecked: number;
  /** Capped by the limits, or cut short by an error: absences outside `complete` mean nothing. */
  partial: boolean;
  reason: string | null;
  /** The registry failed mid-run: what was seen before stays in `observation`. */
  error: { code: string; message: string } | null;
}

type Reader = Pick<
  RegistryClient,
  'listRepositories' | 'listTags' | 'headManifest' | 'getManifest' | 'referrers'
>;

// The referrers tag schema's index (`sha256-<hex>`, cosign's `.sig`/`.att` too): Airlock copies
// these with the digests it promotes, so one whose subject the ledger knows — a recorded digest
// or a platform manifest of a recorded index — is not a finding.
const REFERRERS_TAG = /^sha256-([0-9a-f]{64})(\.[a-z]+)?$/;

/**
 * Reads one registry for an audit, cheaply: the catalog and tag lists (Link-paged), one HEAD per
 * tag, a HEAD by digest only for a recorded digest no tag pointed at, and the referrers of the
 * digests whose stage requires some (with their platform manifests' when it requires those: the
 * index is read for its list). Never a blob. Fallback tags of a recorded digest or of a platform
 * manifest the image ledger recorded for an index are Airlock's, not listed as tags. Repositories the ledger names come first, so
 * a capped run still holds what Airlock put there.
 */
export class RegistryScan {
  private readonly tags = new Map<string, Map<string, string>>();
  private readonly complete = new Set<string>();
  private readonly digests = new Map<string, boolean>();
  private readonly referrers = new Map<string, string[]>();
  private readonly platforms = new Map<string, ObservedPlatform[] | null>();
  private readonly known: Set<string>;
  private tagsChecked = 0;
  private digestsChecked = 0;
  private reason: string | null = null;

  constructor(
    private readonly client: Reader,
    private readonly ledger: LedgerExpectation,
    private readonly limits: ScanLimits,
  ) {
    this.known = new Set([
      ...ledger.digests.flatMap((d) =>
        [d.digest, ...d.childDigests].map((digest) => placeOf(d.repository, digest)),
      ),
      ...ledger.tags.map((t) => placeOf(t.repository, t.digest)),
    ]);
  }

  async run(): Promise<ScanResult> {
    let error: ScanResult['error'] = null;
    let repositories: string[] = [];
    try {
      repositories = await this.repositories();
      for (const repository of repositories) await this.scanRepository(repository);
      await this.checkDigests();
    } catch (failure) {
      error = errorSummary(failure);
    }
    return {
      observation: {
        complete: this.complete,
        tags: this.tags,
        digests: this.digests,
        referrers: this.referrers,
        platforms: this.platforms,
      },
      repositoriesChecked: this.tags.size,
      tagsChecked: this.tagsChecked,
      digestsChecked: this.digestsChecked,
      partial: error !== null || this.reason !== null,
      reason: error ? `the registry failed: ${error.message}` : this.reason,
      error,
    };
  }

  /** The ledger's repositories, then the catalog's, at most maxRepositories. */
  private async repositories(): Promise<string[]> {
    const { maxRepositories } = this.limits;
    const listed = await this.client.listRepositories(maxRepositories);
    const ledgerRepositories = [
      ...new Set([...this.ledger.tags, ...this.ledger.digests].map((e) => e.repository)),
    ];
    const all = [...new Set([...ledgerRepositories, ...listed.repositories])];
    if (!listed.complete || all.length > maxRepositories)
      this.reason = `the registry has more than ${maxRepositories} repositories (AIRLOCK_INTEGRITY_MAX_REPOSITORIES); only the first were checked`;
    return all.slice(0, maxRepositories);
  }

  private async scanRepository(repository: string): Promise<void> {
    const seen = new Map<string, string>();
    this.tags.set(repository, seen);
    for (const tag of await this.client.listTags(repository)) {
      const subject = REFERRERS_TAG.exec(tag);
      if (subject && this.known.has(placeOf(repository, `sha256:${subject[1]}`))) continue;
      if (this.tagsChecked >= this.limits.maxTags) {
        this.reason = `the registry has more than ${this.limits.maxTags} tags (AIRLOCK_INTEGRITY_MAX_TAGS); the rest were not checked`;
        return;
      }
      this.tagsChecked++;
      const descriptor = await this.client.headManifest(repository, tag);
      // Deleted between the listing and the HEAD: as if it had not been listed.
      if (descriptor) seen.set(tag, descriptor.digest);
    }
    this.complete.add(repository);
  }

  /** Each recorded digest of a scanned repository: present? and, where required, its referrers. */
  private async checkDigests(): Promise<void> {
    for (const expected of this.ledger.digests) {
      const { repository, digest } = expected;
      const tags = this.tags.get(repository);
      if (!tags) continue;
      const place = placeOf(repository, digest);
      let present = [...tags.values()].includes(digest);
      if (!present) {
        this.digestsChecked++;
        present = (await this.client.headManifest(repository, digest)) !== undefined;
      }
      this.digests.set(place, present);
      if (present) await this.checkReferrers(expected);
    }
  }

  private async checkReferrers(expected: ExpectedDigest): Promise<void> {
    const { repository, digest, requiredReferrers, requiredPlatformReferrers } = expected;
    const place = placeOf(repository, digest);
    if (requiredPlatformReferrers.length > 0) {
      const tree = await readReferrerTree(this.client, repository, digest);
      this.referrers.set(place, typesOf(tree.referrers));
      this.platforms.set(
        place,
        tree.platforms?.map((p) => ({
          digest: p.digest,
          platform: p.platform,
          types: typesOf(p.referrers),
        })) ?? null,
      );
    } else if (requiredReferrers.length > 0) {
      this.referrers.set(place, typesOf(await this.client.referrers(repository, digest)));
    }
  }
}

function typesOf(referrers: Descriptor[]): string[] {
  return referrers.map((d) => d.artifactType ?? '');
}
