import type { Readable } from 'node:stream';
import type { Descriptor, RawManifest } from './descriptor';
import { parseDigest } from './digest';
import type { OciRegistry, PushOutcome } from './oci-registry';
import type { RecentManifests } from './recent-manifests';

/**
 * A view of `registry` for one piece of work (a promotion request's survey) in which the same
 * read — a manifest by reference, the referrers of a digest — goes to the registry once however
 * many parts of that work ask, at once or one after another: a request planned against three
 * target registries reads its source manifest and referrers once, not once per target and again
 * for the policy. Manifest bytes are verified by the client, so sharing them is sharing the same
 * verified answer. A read that failed is not kept: the next caller asks again. Writes and blob
 * reads pass straight through. Short-lived by design: nothing is ever evicted, so make one per
 * piece of work, never one per process. Given `recent` (one per process), a manifest read by
 * digest is also kept there, and taken from there by the next piece of work that reads it.
 */
export class SharedReads implements OciRegistry {
  private readonly manifests = new Map<string, Promise<RawManifest>>();
  private readonly referrerLists = new Map<string, Promise<Descriptor[]>>();

  constructor(
    private readonly registry: OciRegistry,
    private readonly recent?: RecentManifests,
  ) {}

  get name(): string {
    return this.registry.name;
  }

  get origin(): string {
    return this.registry.origin;
  }

  getManifest(repository: string, reference: string): Promise<RawManifest> {
    return once(this.manifests, `${repository}\n${reference}`, () =>
      this.recent && parseDigest(reference)
        ? this.recentManifest(this.recent, repository, reference)
        : this.registry.getManifest(repository, reference),
    );
  }

  private async recentManifest(
    recent: RecentManifests,
    repository: string,
    digest: string,
  ): Promise<RawManifest> {
    const kept = recent.get(this.registry.origin, repository, digest);
    if (kept) return kept;
    const raw = await this.registry.getManifest(repository, digest);
    recent.put(this.registry.origin, repository, raw);
    return raw;
  }

  referrers(repository: string, digest: string, artifactType?: string): Promise<Descriptor[]> {
    return once(this.referrerLists, `${repository}\n${digest}\n${artifactType ?? ''}`, () =>
      this.registry.referrers(repository, digest, artifactType),
    );
  }

  headManifest(repository: string, reference: string): Promise<Descriptor | undefined> {
    return this.registry.headManifest(repository, reference);
  }

  findManifest(repository: string, reference: string): Promise<RawManifest | undefined> {
    return this.registry.findManifest(repository, reference);
  }

  putManifest(
    repository: string,
    reference: string,
    manifest: Pick<RawManifest, 'mediaType' | 'bytes'>,
  ): Promise<string> {
    return this.registry.putManifest(repository, reference, manifest);
  }

  headBlob(repository: string, digest: string): Promise<number | undefined> {
    return this.registry.headBlob(repository, digest);
  }

  openBlob(
    repository: string,
    descriptor: Pick<Descriptor, 'digest' | 'size'>,
    signal?: AbortSignal,
  ): Promise<Readable> {
    return this.registry.openBlob(repository, descriptor, signal);
  }

  pushBlob(
    repository: string,
    descriptor: Pick<Descriptor, 'digest' | 'size'>,
    open: () => Promise<Readable>,
    signal?: AbortSignal,
  ): Promise<PushOutcome> {
    return this.registry.pushBlob(repository, descriptor, open, signal);
  }

  mountBlob(repository: string, digest: string, fromRepository: string): Promise<boolean> {
    return this.registry.mountBlob(repository, digest, fromRepository);
  }

  listTags(repository: string): Promise<string[]> {
    return this.registry.listTags(repository);
  }
}

function once<T>(cache: Map<string, Promise<T>>, key: string, read: () => Promise<T>): Promise<T> {
  const known = cache.get(key);
  if (known) return known;
  const reading = read();
  cache.set(key, reading);
  reading.catch(() => {
    if (cache.get(key) === reading) cache.delete(key);
  });
  return reading;
}
