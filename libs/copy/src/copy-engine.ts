import {
  isIndexMediaType,
  SharedReads,
  type Descriptor,
  type RawManifest,
} from '@airlock/registry-client';
import { copyBlob, planBlob, type BlobRoute } from './blob-copier';
import { BlobFlights } from './blob-flights';
import { NO_BLOB_LOCATIONS, type BlobLocations } from './blob-locations';
import type {
  CarriedReferrer,
  CopyPlan,
  CopyRequest,
  CopyResult,
  PlannedBlob,
  PlanOptions,
} from './copy-types';
import { mapLimit } from './map-limit';
import { writePins } from './pin-writer';
import { ProgressTracker } from './progress-tracker';
import {
  NO_REFERRERS,
  planReferrers,
  referrerBlobs,
  writeReferrers,
  type ReferrerPlan,
} from './referrer-copier';
import { RegistryLimiter } from './registry-limiter';
import { findPresentRoot, type PresentRoot } from './present-root';
import { readSourceTree, type SourceTree } from './source-tree';
import { assertSameDigest, findTagCollisions, tagsToWrite, writeTags } from './tag-writer';

const DEFAULT_CONCURRENCY = 6;

/**
 * Copies exactly the bytes behind a digest from one registry to another, with the referrers of
 * every manifest it copies. Write order is the invariant: blobs → child manifests → index →
 * referrers → (pins →) tags, so a failed copy never leaves a tag behind, and a re-run skips
 * what already arrived. When nothing lands between the root and its tags (no referrers, pins or
 * `beforeTags`), the root is written by its first tag's PUT — one write, as skopeo makes it,
 * and still after everything it refers to.
 *
 * A byte moves into a registry once: blobs another repository of the target registry holds are
 * mounted (`locations` remembers where, across copies and restarts), and copies running at the
 * same time that need the same blob in the same registry share one upload (BlobFlights).
 */
export class CopyEngine {
  private readonly flights = new BlobFlights();

  constructor(
    private readonly limiter = new RegistryLimiter(),
    private readonly locations: BlobLocations = NO_BLOB_LOCATIONS,
  ) {}

  async copy(request: CopyRequest): Promise<CopyResult> {
    const started = Date.now();
    const { source, target, options = {} } = request;
    const tags = target.tags ?? [];
    const concurrency = options.concurrency ?? DEFAULT_CONCURRENCY;

    // Present at the target → the whole tree is there (one request: a GET when tags are to be
    // written, whose bytes they are written with); only tags, pins and referrers that arrived at
    // the source since may remain to be written. Not asked when a fresh plan just found it absent.
    const present =
      !options.platforms?.length && !options.rootAbsent
        ? await findPresentRoot(request)
        : undefined;
    if (present) {
      const referrers = await this.finishPresent(request, present);
      return this.noopResult(request, present.descriptor, referrers, started);
    }

    // The root's referrers are asked for while its tree is read, and the memory of where the
    // tree's blobs live while the referrers are walked: no step waits for another it needs not.
    const reads = new SharedReads(source.registry);
    const shared: CopyRequest = { ...request, source: { ...source, registry: reads } };
    if (options.referrers) void reads.referrers(source.repository, source.digest).catch(noop);
    const tree = await readSourceTree(reads, source.repository, source.digest, options.platforms);
    const digest = tree.root.raw.digest;
    const early = this.lookUp(target.registry.origin, tree.blobs);
    await this.failOnTagConflict(request, digest);
    const referrers = await this.planReferrers(shared, tree.manifests);

    // The referrers' blobs go with the image's: all blobs before any manifest.
    const blobs = [...tree.blobs, ...referrerBlobs(referrers, tree.blobs)];
    const progress = new ProgressTracker(
      blobs.reduce((sum, b) => sum + b.size, 0),
      blobs.length,
      options.onProgress,
    );
    const route = this.route(request, progress);
    await this.copyBlobs(route, blobs, concurrency, early);
    options.signal?.throwIfAborted();

    const rootWithTag = landsWithTag(request, referrers);
    for (const manifest of tree.manifests)
      if (!rootWithTag || manifest !== tree.root.raw) await this.putByDigest(route, manifest);
    const referrersWritten = await writeReferrers(route, referrers);
    options.signal?.throwIfAborted();
    if (options.pinTag) {
      const carried = [...tree.manifests, ...referrers.manifests];
      await writePins(target, carried, options.pinTag);
    }

    await options.beforeTags?.();
    await writeTags(
      target.registry,
      target.repository,
      tags,
      tree.root.raw,
      options.allowTagOverwrite ?? false,
    );
    return {
      ...copiedResult(request, tree, progress),
      manifestsWritten: tree.manifests.length + referrersWritten,
      referrers: referrers.carried,
      durationMs: Date.now() - started,
    };
  }

  /**
   * What `copy` would do, computed with reads only: nothing is written to the target. How much
   * the target is asked about blobs: PlanOptions.
   */
  async plan(request: CopyRequest, { blobs: ask = 'ask' }: PlanOptions = {}): Promise<CopyPlan> {
    const { source, target, options = {} } = request;
    const tree = await readSourceTree(
      source.registry,
      source.repository,
      source.digest,
      options.platforms,
    );
    const digest = tree.root.raw.digest;
    const route = this.route(request, new ProgressTracker(0, 0));
    // Once the tree is read, every question about the target is asked at once: the root, the
    // blobs (after the memory of where they live), the referrers and the tags.
    const facts = Promise.all([
      target.registry.headManifest(target.repository, digest),
      this.remembered(target.registry.origin, tree.blobs),
    ]);
    const [blobs, referrers, tagCollisions, [root]] = await Promise.all([
      facts.then(([root, remembered]) => {
        route.remembered = remembered;
        return mapLimit(
          tree.blobs,
          options.concurrency ?? DEFAULT_CONCURRENCY,
          async (blob): Promise<PlannedBlob> => ({
            digest: blob.digest,
            size: blob.size,
            action: root ? 'skip' : await planBlob(route, blob, ask === 'ask'),
          }),
        );
      }),
      this.planReferrers(request, tree.manifests),
      findTagCollisions(target.registry, target.repository, target.tags ?? [], digest),
      facts,
    ]);
    return {
      sourceDigest: source.digest,
      digest,
      mediaType: tree.root.raw.mediaType,
      mode: tree.mode,
      alreadyPresent: root !== undefined,
      platforms: tree.platforms,
      blobs,
      bytesToCopy: blobs.filter((b) => b.action === 'copy').reduce((sum, b) => sum + b.size, 0),
      bytesTotal: blobs.reduce((sum, b) => sum + b.size, 0),
      tagCollisions,
      referrers: referrers.carried,
    };
  }

  /**
   * The referrers of every manifest copied (`options.referrers`), and of the requested digest
   * itself, which in platform-subset mode is not one of them.
   */
  private planReferrers(request: CopyRequest, manifests: RawManifest[]): Promise<ReferrerPlan> {
    const { source, target, options = {} } = request;
    if (!options.referrers) return Promise.resolve(NO_REFERRERS);
    const subjects = [...new Set([source.digest, ...manifests.map((m) => m.digest)])];
    return planReferrers(
      { source, target },
      subjects,
      options.referrers === true ? {} : options.referrers,
      options.concurrency ?? DEFAULT_CONCURRENCY,
    );
  }

  private route(request: CopyRequest, progress: ProgressTracker): BlobRoute {
    const { source, target, options = {} } = request;
    return {
      source: { registry: source.registry, repository: source.repository },
      target: { registry: target.registry, repository: target.repository },
      mountFrom: options.mountFrom ?? [],
      remembered: new Map(),
      learned: [],
      locations: this.locations,
      flights: this.flights,
      limiter: this.limiter,
      progress,
      signal: options.signal,
    };
  }

  /**
   * Every blob in, `concurrency` at a time, mounting what the target registry is remembered to
   * hold — `early`: a lookup of that memory already under way for some of them, the rest are
   * looked up now; what landed is remembered even when a later blob fails.
   */
  private async copyBlobs(
    route: BlobRoute,
    blobs: Descriptor[],
    concurrency: number,
    early?: MemoryLookup,
  ): Promise<void> {
    if (blobs.length === 0) return;
    const asked = new Set(early?.blobs.map((blob) => blob.digest));
    const origin = route.target.registry.origin;
    const found = await Promise.all([
      early?.found ?? new Map<string, string[]>(),
      this.remembered(
        origin,
        blobs.filter((blob) => !asked.has(blob.digest)),
      ),
    ]);
    route.remembered = new Map(found.flatMap((map) => [...map]));
    try {
      await mapLimit(blobs, concurrency, (blob) => copyBlob(route, blob));
    } finally {
      if (route.learned.length > 0)
        await this.locations.remember(route.target.registry.origin, route.learned.splice(0));
    }
  }

  /** A lookup of the memory started now, for copyBlobs to await later. */
  private lookUp(origin: string, blobs: Descriptor[]): MemoryLookup {
    const found = this.remembered(origin, blobs);
    found.catch(noop); // awaited in copyBlobs; a failure must not go unhandled before then
    return { blobs, found };
  }

  /** Where the target registry is remembered to hold each of `blobs` (none asked for: none). */
  private remembered(origin: string, blobs: Descriptor[]): Promise<Map<string, string[]>> {
    const digests = [...new Set(blobs.map((blob) => blob.digest))];
    if (digests.length === 0) return Promise.resolve(new Map());
    return this.locations.find(origin, digests);
  }

  /** The check `writeTags` makes at the end, made before any byte moves (unless `tagsFree`). */
  private async failOnTagConflict(request: CopyRequest, digest: string): Promise<void> {
    const { target, options = {} } = request;
    if (options.tagsFree) return;
    await tagsToWrite(
      target.registry,
      target.repository,
      target.tags ?? [],
      digest,
      options.allowTagOverwrite ?? false,
    );
  }

  /**
   * The registry's answer is the check that the manifest landed: a 201 to a PUT by digest, with
   * the digest it reports (Docker-Content-Digest) equal to the one we computed — no HEAD after.
   */
  private async putByDigest(route: BlobRoute, manifest: RawManifest): Promise<void> {
    const { registry, repository } = route.target;
    const written = await registry.putManifest(repository, manifest.digest, manifest);
    assertSameDigest(registry, `${repository}@${manifest.digest}`, manifest.digest, written);
  }

  /**
   * The target holds the digest: carries the referrers it lacks (of the root and, for an index,
   * of each platform manifest), pins, and tags. Reads the source tree only when that needs it.
   */
  private async finishPresent(
    request: CopyRequest,
    present: PresentRoot,
  ): Promise<CarriedReferrer[]> {
    const { source, target, options = {} } = request;
    const concurrency = options.concurrency ?? DEFAULT_CONCURRENCY;
    const route = this.route(request, new ProgressTracker(0, 0));
    const needsTree =
      options.pinTag !== undefined ||
      (options.referrers && isIndexMediaType(present.descriptor.mediaType));
    const tree = needsTree
      ? await readSourceTree(source.registry, source.repository, source.digest)
      : undefined;
    const referrers = await this.planReferrers(request, tree?.manifests ?? []);
    await this.copyBlobs(route, referrerBlobs(referrers), concurrency);
    await writeReferrers(route, referrers);
    if (options.pinTag && tree)
      await writePins(target, [...tree.manifests, ...referrers.manifests], options.pinTag);
    await options.beforeTags?.();
    const tags = target.tags ?? [];
    if (tags.length > 0)
      await writeTags(
        target.registry,
        target.repository,
        tags,
        tree?.root.raw ?? present.raw!,
        options.allowTagOverwrite ?? false,
      );
    return referrers.carried;
  }

  private noopResult(
    request: CopyRequest,
    root: Descriptor,
    referrers: CarriedReferrer[],
    started: number,
  ): CopyResult {
    return {
      sourceDigest: request.source.digest,
      digest: root.digest,
      mediaType: root.mediaType,
      mode: isIndexMediaType(root.mediaType) ? 'index' : 'image',
      alreadyPresent: true,
      platforms: [],
      blobs: {
        total: 0,
        copied: 0,
        mounted: 0,
        skipped: 0,
        bytesTotal: 0,
        bytesCopied: 0,
        bytesMounted: 0,
        bytesSkipped: 0,
      },
      manifestsWritten: 0,
      referrers,
      tags: request.target.tags ?? [],
      durationMs: Date.now() - started,
    };
  }
}

/**
 * Whether the root's manifest is written by its first tag instead of by digest first: only when
 * it has tags and nothing must name it in the target before they land — a referrer (its
 * `subject`: some registries refuse one whose subject is absent), a pin, or `beforeTags` (the
 * attestation looks the root up).
 */
function landsWithTag(request: CopyRequest, referrers: ReferrerPlan): boolean {
  const { target, options = {} } = request;
  return (
    (target.tags?.length ?? 0) > 0 &&
    referrers.missing.length === 0 &&
    !options.pinTag &&
    !options.beforeTags
  );
}

function noop(): void {}

/** A lookup of BlobLocations under way, and the blobs it asks about. */
interface MemoryLookup {
  blobs: Descriptor[];
  found: Promise<Map<string, string[]>>;
}

function copiedResult(
  request: CopyRequest,
  tree: SourceTree,
  progress: ProgressTracker,
): Omit<CopyResult, 'manifestsWritten' | 'referrers' | 'durationMs'> {
  const state = progress.snapshot();
  return {
    sourceDigest: request.source.digest,
    digest: tree.root.raw.digest,
    mediaType: tree.root.raw.mediaType,
    mode: tree.mode,
    alreadyPresent: false,
    platforms: tree.platforms,
    blobs: {
      total: state.blobsTotal,
      copied: state.copied,
      mounted: state.mounted,
      skipped: state.skipped,
      bytesTotal: state.bytesTotal,
      bytesCopied: progress.bytesCopied,
      bytesMounted: progress.bytesMounted,
      bytesSkipped: progress.bytesSkipped,
    },
    tags: request.target.tags ?? [],
  };
}
