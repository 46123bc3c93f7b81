import { Scopes } from '../auth/scope';
import type { Descriptor } from '../descriptor';
import { errorForResponse, parseOciError } from '../errors/response-error';
import type { HttpResponse } from '../http/http-types';
import { parseNextLink } from '../http/link-header';
import type { ManifestOperations } from '../manifests/manifest-operations';
import { MANIFEST_SIZE_LIMIT } from '../manifests/manifest-operations';
import { MediaType } from '../media-types';
import { parseManifest } from '../parse-manifest';
import { checkDigest, checkRepository } from '../references';
import { RegistryError } from '../registry-error';
import type { RegistryRequester } from '../request/registry-requester';
import { referrersSupport, type ReferrersSupport } from './referrers-support';

const MAX_PAGES = 1000;

/**
 * Manifests whose `subject` is a digest: the OCI 1.1 referrers API, or — where it is missing
 * (distribution 2.8 answers 404) — the referrers tag schema's `<alg>-<hex>` index.
 */
export class ReferrersReader {
  constructor(
    private readonly registry: string,
    private readonly origin: string,
    private readonly requester: RegistryRequester,
    private readonly manifests: ManifestOperations,
    private readonly support: ReferrersSupport = referrersSupport,
  ) {}

  async list(repository: string, digest: string, artifactType?: string): Promise<Descriptor[]> {
    checkRepository(this.registry, repository);
    const parsed = checkDigest(this.registry, digest);
    if (this.support.get(this.origin) !== false) {
      const found = await this.fromApi(repository, digest, artifactType);
      if (found) return found;
    }
    // Referrers tag schema (distribution-spec 1.1): `<alg>-<ref>`, alg cut at 32 and ref at 64
    // characters, so that a sha512 subject still makes a valid tag.
    const index = await this.manifests.find(
      repository,
      `${parsed.algorithm.slice(0, 32)}-${parsed.hex.slice(0, 64)}`,
    );
    if (!index) return [];
    const manifest = parseManifest(index, this.registry);
    return manifest.kind === 'index' ? ofType(manifest.manifests, artifactType) : [];
  }

  /** The referrers, or undefined when this registry has no referrers API. */
  private async fromApi(
    repository: string,
    digest: string,
    artifactType?: string,
  ): Promise<Descriptor[] | undefined> {
    const query = artifactType ? `?artifactType=${encodeURIComponent(artifactType)}` : '';
    let next: string | URL | undefined = `/v2/${repository}/referrers/${digest}${query}`;
    const found: Descriptor[] = [];
    let filteredByServer = artifactType !== undefined;
    for (let page = 0; next !== undefined && page < MAX_PAGES; page += 1) {
      const response = await this.requester.send({
        method: 'GET',
        target: next,
        scope: Scopes.pull(repository),
        headers: { Accept: MediaType.OciIndex },
        response: { kind: 'buffer', limit: MANIFEST_SIZE_LIMIT },
      });
      if (response.status === 404 && page === 0) {
        // With the API, a 404 only means the repository is missing; without it, every path 404s.
        if (parseOciError(response.body)?.code !== 'NAME_UNKNOWN')
          this.support.set(this.origin, false);
        return undefined;
      }
      if (response.status !== 200) throw this.unexpected(response);
      this.support.set(this.origin, true);
      found.push(...this.page(response));
      filteredByServer &&= /(^|,)\s*artifactType\s*(,|$)/i.test(
        response.headers['oci-filters-applied'] ?? '',
      );
      next = parseNextLink(response.headers.link, response.url);
    }
    return filteredByServer ? found : ofType(found, artifactType);
  }

  private page(response: HttpResponse): Descriptor[] {
    const mediaType = response.headers['content-type']?.split(';')[0].trim() || MediaType.OciIndex;
    const index = parseManifest(
      { mediaType, digest: `referrers of ${response.url.pathname}`, bytes: response.body },
      this.registry,
    );
    if (index.kind === 'index') return index.manifests;
    const operation = `GET ${response.url.pathname}`;
    const message = `registry "${this.registry}": ${operation} answered with a ${mediaType}, not an image index`;
    throw new RegistryError('REGISTRY_ERROR', message, {
      registry: this.registry,
      operation,
      retryable: false,
    });
  }

  private unexpected(response: HttpResponse): RegistryError {
    return errorForResponse({
      registry: this.registry,
      operation: `GET ${response.url.pathname}`,
      status: response.status,
      body: response.body,
    });
  }
}

function ofType(descriptors: Descriptor[], artifactType: string | undefined): Descriptor[] {
  return artifactType === undefined
    ? descriptors
    : descriptors.filter((d) => d.artifactType === artifactType);
}
