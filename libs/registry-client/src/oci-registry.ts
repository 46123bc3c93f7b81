import type { Readable } from 'node:stream';
import type { PushOutcome } from './blobs/blob-uploader';
import type { Descriptor, RawManifest } from './descriptor';

export type { PushOutcome };

/**
 * The registry operations the copy engine needs — the port it is written against, so its
 * ordering and decisions can be unit-tested with a fake. `RegistryClient` is the real one.
 * Every method throws RegistryError; "absent" answers are `undefined`/`false`, not errors.
 */
export interface OciRegistry {
  /** RegistryEndpoint.name. */
  readonly name: string;
  /** scheme://host:port — two clients with the same origin are the same registry (mounts). */
  readonly origin: string;

  /** Descriptor of a manifest by tag or digest (HEAD), or undefined when absent. */
  headManifest(repository: string, reference: string): Promise<Descriptor | undefined>;
  /** The manifest's exact bytes (GET); verified against `reference` when it is a digest. */
  getManifest(repository: string, reference: string): Promise<RawManifest>;
  /** Like `getManifest`, but undefined when absent: a presence check that also reads the bytes. */
  findManifest(repository: string, reference: string): Promise<RawManifest | undefined>;
  /** PUT the exact bytes under a tag or digest; returns the digest the registry reports. */
  putManifest(
    repository: string,
    reference: string,
    manifest: Pick<RawManifest, 'mediaType' | 'bytes'>,
  ): Promise<string>;

  /** Size of a blob (HEAD), or undefined when absent. */
  headBlob(repository: string, digest: string): Promise<number | undefined>;
  /**
   * A stream of the blob's bytes that verifies size and sha256 in flight: it errors with
   * DIGEST_MISMATCH instead of delivering the last bytes of a blob that does not match, and
   * resumes a broken read with a Range request.
   */
  openBlob(
    repository: string,
    descriptor: Pick<Descriptor, 'digest' | 'size'>,
    signal?: AbortSignal,
  ): Promise<Readable>;
  /**
   * Uploads a blob unless the repository holds it: the session's POST asks first (a mount from
   * the repository itself; 201 → `present`, nothing streamed), then a monolithic PUT ?digest=
   * with Content-Length, streamed; a chunked PATCH upload when the registry refuses the large
   * body (`open` is called again). An abandoned upload session is deleted.
   */
  pushBlob(
    repository: string,
    descriptor: Pick<Descriptor, 'digest' | 'size'>,
    open: () => Promise<Readable>,
    signal?: AbortSignal,
  ): Promise<PushOutcome>;
  /** Cross-repository mount within this registry: true when mounted, false when the registry declined. */
  mountBlob(repository: string, digest: string, fromRepository: string): Promise<boolean>;

  /** Every tag of a repository, following `Link` pagination. */
  listTags(repository: string): Promise<string[]>;
  /** Manifests whose `subject` is `digest`: referrers API, else the `sha256-<hex>` tag fallback. */
  referrers(repository: string, digest: string, artifactType?: string): Promise<Descriptor[]>;
}
