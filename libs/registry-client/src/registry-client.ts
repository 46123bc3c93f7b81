import type { Readable } from 'node:stream';
import { Authenticator } from './auth/authenticator';
import { Scopes } from './auth/scope';
import { TokenFetcher } from './auth/token-fetcher';
import { BlobReader } from './blobs/blob-reader';
import { BlobUploader, type PushOutcome } from './blobs/blob-uploader';
import { CatalogLister } from './catalog/catalog-lister';
import type { Descriptor, RawManifest } from './descriptor';
import { errorForResponse } from './errors/response-error';
import { HttpTransport } from './http/http-transport';
import { ManifestOperations } from './manifests/manifest-operations';
import type { OciRegistry } from './oci-registry';
import { ReferrersReader } from './referrers/referrers-reader';
import { resolveOptions, type RegistryClientOptions } from './registry-client-options';
import type { RegistryEndpoint } from './registry-endpoint';
import { RegistryError } from './registry-error';
import { RegistryRequester } from './request/registry-requester';
import { Retrier } from './retry/retrier';
import { TagLister } from './tags/tag-lister';

/**
 * An OCI Distribution client for one registry. Build one per registry and reuse it: it holds the
 * bearer-token cache. Connections are pooled per origin across clients.
 */
export class RegistryClient implements OciRegistry {
  readonly name: string;
  readonly origin: string;
  private readonly requester: RegistryRequester;
  private readonly manifests: ManifestOperations;
  private readonly blobs: BlobReader;
  private readonly uploads: BlobUploader;
  private readonly tags: TagLister;
  private readonly catalog: CatalogLister;
  private readonly referrerIndex: ReferrersReader;

  constructor(endpoint: RegistryEndpoint, options: RegistryClientOptions = {}) {
    const resolved = resolveOptions(options);
    this.name = endpoint.name;
    this.origin = originOf(endpoint);
    const tls = endpoint.tls ?? {};
    if (tls.insecure) {
      resolved.logger.warn(
        `registry "${this.name}": TLS certificate verification is DISABLED (tls.insecure): anyone on the network path can impersonate ${this.origin} and read its credentials`,
      );
    }
    const logger = resolved.logger;
    const transport = new HttpTransport({
      registry: this.name,
      origin: this.origin,
      tls,
      timeouts: resolved.timeouts,
      onRequest: resolved.onRequest,
      logger,
    });
    const retrier = new Retrier(resolved.retry, resolved.clock, resolved.random, logger);
    const fetcher = new TokenFetcher(this.name, transport, endpoint.credentials);
    const auth = new Authenticator(
      this.name,
      endpoint.credentials,
      fetcher,
      resolved.clock,
      logger,
    );
    this.requester = new RegistryRequester({
      registry: this.name,
      origin: this.origin,
      transport,
      auth,
      retrier,
      clock: resolved.clock,
      gate: resolved.gate,
    });
    this.manifests = new ManifestOperations(this.name, this.requester);
    this.blobs = new BlobReader(this.name, this.requester, resolved.blobResumes, logger);
    this.uploads = new BlobUploader(this.name, this.requester, retrier, resolved.upload, logger);
    this.tags = new TagLister(this.name, this.requester, resolved.tagPageSize);
    this.catalog = new CatalogLister(this.name, this.requester, resolved.tagPageSize);
    this.referrerIndex = new ReferrersReader(
      this.name,
      this.origin,
      this.requester,
      this.manifests,
    );
  }

  /** `GET /v2/` with authentication: proves reachability, TLS trust and credentials. */
  async ping(): Promise<void> {
    const response = await this.requester.send({
      method: 'GET',
      target: '/v2/',
      scope: Scopes.none,
    });
    if (response.status !== 200) {
      throw errorForResponse({
        registry: this.name,
        operation: 'GET /v2/',
        status: response.status,
        body: response.body,
      });
    }
  }

  headManifest(repository: string, reference: string): Promise<Descriptor | undefined> {
    return this.manifests.head(repository, reference);
  }

  getManifest(repository: string, reference: string): Promise<RawManifest> {
    return this.manifests.get(repository, reference);
  }

  findManifest(repository: string, reference: string): Promise<RawManifest | undefined> {
    return this.manifests.find(repository, reference);
  }

  putManifest(
    repository: string,
    reference: string,
    manifest: Pick<RawManifest, 'mediaType' | 'bytes'>,
  ): Promise<string> {
    return this.manifests.put(repository, reference, manifest);
  }

  headBlob(repository: string, digest: string): Promise<number | undefined> {
    return this.blobs.size(repository, digest);
  }

  openBlob(
    repository: string,
    descriptor: Pick<Descriptor, 'digest' | 'size'>,
    signal?: AbortSignal,
  ): Promise<Readable> {
    return this.blobs.open(repository, descriptor, signal);
  }

  pushBlob(
    repository: string,
    descriptor: Pick<Descriptor, 'digest' | 'size'>,
    open: () => Promise<Readable>,
    signal?: AbortSignal,
  ): Promise<PushOutcome> {
    return this.uploads.push(repository, descriptor, open, signal);
  }

  mountBlob(repository: string, digest: string, fromRepository: string): Promise<boolean> {
    return this.uploads.mount(repository, digest, fromRepository);
  }

  listTags(repository: string): Promise<string[]> {
    return this.tags.list(repository);
  }

  /**
   * The registry's repositories (`/v2/_catalog`, Link-paged), at most `limit`; `complete` is
   * false when the limit cut the list. Not on OciRegistry: only the integrity audit lists them.
   */
  listRepositories(limit?: number): Promise<{ repositories: string[]; complete: boolean }> {
    return this.catalog.list(limit);
  }

  referrers(repository: string, digest: string, artifactType?: string): Promise<Descriptor[]> {
    return this.referrerIndex.list(repository, digest, artifactType);
  }
}

/** The endpoint's origin; a URL with credentials or another scheme is refused, not logged. */
function originOf(endpoint: RegistryEndpoint): string {
  let url: URL | undefined;
  try {
    url = new URL(endpoint.url);
  } catch {
    url = undefined;
  }
  const problem = !url
    ? 'is not a URL'
    : url.protocol !== 'http:' && url.protocol !== 'https:'
      ? 'must be http:// or https://'
      : url.username || url.password
        ? 'must not carry credentials (use RegistryEndpoint.credentials)'
        : undefined;
  if (!url || problem) {
    throw new RegistryError('REGISTRY_ERROR', `registry "${endpoint.name}": its url ${problem}`, {
      registry: endpoint.name,
      retryable: false,
    });
  }
  return url.origin;
}
