import { AirlockError } from '@airlock/errors';
import type { Descriptor, OciRegistry } from '@airlock/registry-client';
import type { ReferrerSelection } from './copy-types';
import { mapLimit } from './map-limit';
import { collectTree, readNode, type ManifestNode } from './source-tree';

/**
 * How deep referrers of referrers are followed: 1 = the referrers of the copied manifests, 2 =
 * a signature on one of those (cosign signs SBOMs and attestations too), and so on. Real chains
 * stop at 2 or 3; a longer one is a broken or hostile `sha256-<hex>` listing.
 */
export const MAX_REFERRER_DEPTH = 4;
/** Referrers one copy carries at most: what one image's listings may cost, bounded. */
export const MAX_REFERRERS = 1000;

export interface FoundReferrer {
  /** As the source lists it (artifactType and annotations included). */
  descriptor: Descriptor;
  /** The manifest it refers to. */
  subject: string;
  /** 1 for a referrer of a copied manifest, 2 for a referrer of such a referrer, … */
  depth: number;
  /** Read and verified at the source: an index referrer with its children. */
  node: ManifestNode;
}

/**
 * Every referrer of `subjects` and, level by level, the referrers of those referrers (and of an
 * index referrer's children), read and verified at the source before anything is written. Each
 * digest is taken once, so a listing that loops back to something already carried ends there;
 * deeper than MAX_REFERRER_DEPTH or more than MAX_REFERRERS fails, rather than dropping some.
 */
export async function findReferrers(
  source: { registry: OciRegistry; repository: string },
  subjects: string[],
  selection: ReferrerSelection,
  concurrency: number,
): Promise<FoundReferrer[]> {
  const visited = new Set(subjects);
  const found: FoundReferrer[] = [];
  let level = [...visited];
  for (let depth = 1; level.length > 0; depth++) {
    const listed = await mapLimit(level, concurrency, async (subject) => ({
      subject,
      referrers: await source.registry.referrers(source.repository, subject),
    }));
    // The selection picks among the referrers of the copied manifests; what refers to a
    // picked referrer describes it, and travels with it.
    const fresh = unvisited(listed, depth === 1 ? selection : {}, visited);
    if (fresh.length === 0) break;
    if (depth > MAX_REFERRER_DEPTH) throw tooDeep(source, fresh[0]!.subject);
    if (found.length + fresh.length > MAX_REFERRERS) throw tooMany(source, subjects[0]!);
    const nodes = await mapLimit(fresh, concurrency, (f) =>
      readNode(source.registry, source.repository, f.descriptor.digest),
    );
    level = [];
    fresh.forEach((f, i) => {
      found.push({ ...f, depth, node: nodes[i]! });
      for (const manifest of collectTree(nodes[i]!).manifests) {
        visited.add(manifest.digest);
        level.push(manifest.digest);
      }
    });
  }
  return found;
}

function unvisited(
  listed: Array<{ subject: string; referrers: Descriptor[] }>,
  selection: ReferrerSelection,
  visited: Set<string>,
): Array<Pick<FoundReferrer, 'descriptor' | 'subject'>> {
  const fresh: Array<Pick<FoundReferrer, 'descriptor' | 'subject'>> = [];
  for (const { subject, referrers } of listed) {
    for (const descriptor of referrers) {
      if (visited.has(descriptor.digest) || !selected(descriptor, selection)) continue;
      visited.add(descriptor.digest);
      fresh.push({ descriptor, subject });
    }
  }
  return fresh;
}

function selected(descriptor: Descriptor, selection: ReferrerSelection): boolean {
  if (!selection.artifactTypes) return true;
  return (
    descriptor.artifactType !== undefined &&
    selection.artifactTypes.includes(descriptor.artifactType)
  );
}

function tooDeep(source: { registry: OciRegistry; repository: string }, subject: string) {
  return new AirlockError(
    'REGISTRY_ERROR',
    `registry "${source.registry.name}": referrers of ${source.repository}@${subject} nest deeper than ${MAX_REFERRER_DEPTH} levels (referrers of referrers); Airlock copies at most ${MAX_REFERRER_DEPTH}, check the sha256-<hex> listings`,
    {
      retryable: false,
      details: { registry: source.registry.name, subject, maxDepth: MAX_REFERRER_DEPTH },
    },
  );
}

function tooMany(source: { registry: OciRegistry; repository: string }, root: string) {
  return new AirlockError(
    'REGISTRY_ERROR',
    `registry "${source.registry.name}": ${source.repository}@${root} has more than ${MAX_REFERRERS} referrers (its manifests' and theirs); Airlock copies at most ${MAX_REFERRERS}`,
    {
      retryable: false,
      details: { registry: source.registry.name, digest: root, maxReferrers: MAX_REFERRERS },
    },
  );
}
