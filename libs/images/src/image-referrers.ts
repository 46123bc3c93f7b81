import { RegistriesService, RegistryClientFactory } from '@airlock/registries';
import { readReferrerTree, RegistryError, type Descriptor } from '@airlock/registry-client';
import { Injectable } from '@nestjs/common';
import { ImagesService } from './images.service';

/** One artifact that refers to an image: a signature, an SBOM, an attestation. */
export interface ReferrerView {
  digest: string;
  /** What it is (e.g. `application/vnd.dev.cosign.artifact.sig.v1+json`); null when not declared. */
  artifactType: string | null;
  mediaType: string;
  size: number;
  annotations: Record<string, string>;
}

export interface PlatformReferrersView {
  digest: string;
  platform: string;
  referrers: ReferrerView[];
}

/** What refers to the image at one of its locations, read from that registry now. */
export interface LocationReferrersView {
  registry: string;
  repository: string;
  /** The image's own referrers; null when the registry could not be read (`error` says why). */
  referrers: ReferrerView[] | null;
  /** For an index, each platform manifest's referrers; null for a single image or on error. */
  platforms: PlatformReferrersView[] | null;
  error: { code: string; message: string } | null;
}

export interface ImageReferrersView {
  digest: string;
  locations: LocationReferrersView[];
}

/**
 * `GET /api/v1/images/{digest}/referrers`: the referrers are the registries' facts, not Airlock's
 * rows, so they are read live from every location of the image — the referrers API, else the
 * `sha256-<hex>` tag — and a registry that fails is reported in its place, not for the lot.
 */
@Injectable()
export class ImageReferrers {
  constructor(
    private readonly images: ImagesService,
    private readonly registries: RegistriesService,
    private readonly clients: RegistryClientFactory,
  ) {}

  /** `digest` and `query` as the request sent them (ImagesService reads them). */
  async of(digest: unknown, query: unknown = {}): Promise<ImageReferrersView> {
    const lookup = await this.images.lookup(digest, query);
    const locations = lookup.items.flatMap((item) => item.locations);
    const registries = new Map(
      (await this.registries.findByNames([...new Set(locations.map((l) => l.registry))])).map(
        (r) => [r.name, r],
      ),
    );
    return {
      digest: lookup.digest,
      locations: await Promise.all(
        locations.map(async ({ registry: name, repository }) => {
          const registry = registries.get(name);
          if (!registry) return failed(name, repository, 'NOT_FOUND', `Registry "${name}" is gone`);
          try {
            const tree = await readReferrerTree(
              this.clients.clientFor(registry),
              repository,
              lookup.digest,
            );
            return {
              registry: name,
              repository,
              referrers: tree.referrers.map(toReferrerView),
              platforms:
                tree.platforms?.map((p) => ({
                  digest: p.digest,
                  platform: p.platform,
                  referrers: p.referrers.map(toReferrerView),
                })) ?? null,
              error: null,
            };
          } catch (error) {
            if (error instanceof RegistryError)
              return failed(name, repository, error.code, error.message);
            throw error;
          }
        }),
      ),
    };
  }
}

function failed(
  registry: string,
  repository: string,
  code: string,
  message: string,
): LocationReferrersView {
  return { registry, repository, referrers: null, platforms: null, error: { code, message } };
}

function toReferrerView(d: Descriptor): ReferrerView {
  return {
    digest: d.digest,
    artifactType: d.artifactType ?? null,
    mediaType: d.mediaType,
    size: d.size,
    annotations: d.annotations ?? {},
  };
}
