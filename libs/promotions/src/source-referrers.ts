import type { PlatformReferrers } from '@airlock/policies';
import { readReferrerTree, type Descriptor, type OciRegistry } from '@airlock/registry-client';

/** What refers to a digest at the source, as the policy judges it. */
export interface SourceReferrers {
  /** Artifact types of the digest's own referrers. */
  referrerTypes: string[];
  /** Each platform manifest of an index (a single-platform image: itself) with its referrers. */
  platformReferrers: PlatformReferrers[];
}

/** The artifact types referring to the digest and to each of its platform manifests. */
export async function readSourceReferrers(
  registry: OciRegistry,
  repository: string,
  digest: string,
): Promise<SourceReferrers> {
  const tree = await readReferrerTree(registry, repository, digest);
  const referrerTypes = typesOf(tree.referrers);
  if (tree.platforms === null)
    return { referrerTypes, platformReferrers: [{ digest, referrerTypes }] };
  return {
    referrerTypes,
    platformReferrers: tree.platforms.map((p) => ({
      digest: p.digest,
      platform: p.platform,
      referrerTypes: typesOf(p.referrers),
    })),
  };
}

function typesOf(referrers: Descriptor[]): string[] {
  return referrers.flatMap((r) => (r.artifactType ? [r.artifactType] : []));
}
