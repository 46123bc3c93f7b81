import { isIndexMediaType, type Descriptor, type RawManifest } from '@airlock/registry-client';
import { copyBlob, planBlob, type BlobRoute } from './blob-copier';
import type { CopyPlan, CopyRequest, CopyResult, PlannedBlob } from './copy-types';
import { mapLimit } from './map-limit';
import { ProgressTracker } from './progress-tracker';
import { copyReferrers } from './referrer-copier';
import { RegistryLimiter } from './registry-limiter';
import { readSourceTree } from './source-tree';
import { assertSameDigest, findTagCollisions, tagConflict, writeTags } from './tag-writer';

const DEFAULT_CONCURRENCY = 6;

/**
 * Copies exactly the bytes behind a digest from one registry to another. Write order is the
 * invariant: blobs → child manifests → index → referrers → tags, so a failed copy never leaves a
 * tag behind, and a re-run skips what already arrived.
 */
export class CopyEngine {
  constructor(private readonly limiter = new RegistryLimiter()) {}

  async copy(request: CopyRequest): Promise<CopyResult> {
    const started = Date.now();
    const { source, target, options = {} } = request;
    const tags = target.tags ?? [];
    const route = this.route(request, new ProgressTracker(0, 0));

    // Present at the target → the whole tree is there (one request); only tags and referrers
    // that arrived at the source since may remain to be written.
    const present =
      !options.platforms?.length &&
      (await target.registry.headManifest(target.repository, source.digest));
    if (present) {
      await this.finishPresent(request, route);
      return this.noopResult(request, present, started);
    }

    const tree = await readSourceTree(
      source.registry,
      source.repository,
      source.digest,
      options.platforms,
    );
    const digest = tree.root.raw.digest;
    await this.failOnTagConflict(request, digest);

    const progress = new ProgressTracker(
      tree.blobs.reduce((sum, b) => sum + b.size, 0),
      tree.blobs.length,
      options.onProgress,
    );
    const blobRoute = this.route(request, progress);
    await mapLimit(tree.blobs, options.concurrency ?? DEFAULT_CONCURRENCY, (blob) =>
      copyBlob(blobRoute, blob),
    );
    options.signal?.throwIfAborted();

    for (const manifest of tree.manifests) await this.putByDigest(route, manifest);
    const referrers = options.referrers
      ? await copyReferrers(
          blobRoute,
          source.digest,
          options.referrers === true ? {} : options.referrers,
          options.concurrency ?? DEFAULT_CONCURRENCY,
        )
      : { referrers: [], manifestsWritten: 0 };
    options.signal?.throwIfAborted();

    await writeTags(
      target.registry,
      target.repository,
      tags,
      tree.root.raw,
      options.allowTagOverwrite ?? false,
    );
    await this.verifyLanded(route, digest);

    const state = progress.snapshot();
    return {
      sourceDigest: source.digest,
      digest,
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
      manifestsWritten: tree.manifests.length + referrers.manifestsWritten,
      referrers: referrers.referrers,
      tags,
      durationMs: Date.now() - started,
    };
  }

  /** What `copy` would do, computed with reads only: nothing is written to the target. */
  async plan(request: CopyRequest): Promise<CopyPlan> {
    const { source, target, options = {} } = request;
    const tree = await readSourceTree(
      source.registry,
      source.repository,
      source.digest,
      options.platforms,
    );
    const digest = tree.root.raw.digest;
    const present = (await target.registry.headManifest(target.repository, digest)) !== undefined;
    const route = this.route(request, new ProgressTracker(0, 0));
    const blobs: PlannedBlob[] = await mapLimit(
      tree.blobs,
      options.concurrency ?? DEFAULT_CONCURRENCY,
      async (blob) => ({
        digest: blob.digest,
        size: blob.size,
        action: present ? 'skip' : await planBlob(route, blob),
      }),
    );
    return {
      sourceDigest: source.digest,
      digest,
      mediaType: tree.root.raw.mediaType,
      mode: tree.mode,
      alreadyPresent: present,
      platforms: tree.platforms,
      blobs,
      bytesToCopy: blobs.filter((b) => b.action === 'copy').reduce((sum, b) => sum + b.size, 0),
      bytesTotal: blobs.reduce((sum, b) => sum + b.size, 0),
      tagCollisions: await findTagCollisions(
        target.registry,
        target.repository,
        target.tags ?? [],
        digest,
      ),
    };
  }

  private route(request: CopyRequest, progress: ProgressTracker): BlobRoute {
    const { source, target, options = {} } = request;
    return {
      source: { registry: source.registry, repository: source.repository },
      target: { registry: target.registry, repository: target.repository },
      mountFrom: options.mountFrom ?? [],
      limiter: this.limiter,
      progress,
      signal: options.signal,
    };
  }

  private async failOnTagConflict(request: CopyRequest, digest: string): Promise<void> {
    const { target, options = {} } = request;
    if (options.allowTagOverwrite || !target.tags?.length) return;
    const collisions = await findTagCollisions(
      target.registry,
      target.repository,
      target.tags,
      digest,
    );
    if (collisions.length > 0)
      throw tagConflict(target.registry, target.repository, collisions, digest);
  }

  private async putByDigest(route: BlobRoute, manifest: RawManifest): Promise<void> {
    const { registry, repository } = route.target;
    const written = await registry.putManifest(repository, manifest.digest, manifest);
    assertSameDigest(registry, `${repository}@${manifest.digest}`, manifest.digest, written);
  }

  /** The end check: the target serves the digest we meant to copy. */
  private async verifyLanded(route: BlobRoute, digest: string): Promise<void> {
    const { registry, repository } = route.target;
    const landed = await registry.headManifest(repository, digest);
    assertSameDigest(registry, `${repository}@${digest}`, digest, landed?.digest ?? 'nothing');
  }

  private async finishPresent(request: CopyRequest, route: BlobRoute): Promise<void> {
    const { source, target, options = {} } = request;
    if (options.referrers) {
      await copyReferrers(
        route,
        source.digest,
        options.referrers === true ? {} : options.referrers,
        options.concurrency ?? DEFAULT_CONCURRENCY,
      );
    }
    const tags = target.tags ?? [];
    if (tags.length === 0) return;
    const missing = await Promise.all(
      tags.map((tag) => target.registry.headManifest(target.repository, tag)),
    );
    if (missing.every((d) => d?.digest === source.digest)) return;
    const root = await target.registry.getManifest(target.repository, source.digest);
    await writeTags(
      target.registry,
      target.repository,
      tags,
      root,
      options.allowTagOverwrite ?? false,
    );
  }

  private noopResult(request: CopyRequest, root: Descriptor, started: number): CopyResult {
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
      referrers: [],
      tags: request.target.tags ?? [],
      durationMs: Date.now() - started,
    };
  }
}
