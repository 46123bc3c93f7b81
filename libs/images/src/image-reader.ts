import {
  parseManifest,
  RegistryError,
  type Descriptor,
  type ParsedManifest,
  type Platform,
  type RawManifest,
  type RegistryClient,
} from '@airlock/registry-client';
import {
  baseOf,
  imageManifestSize,
  indexSize,
  labelsOfConfig,
  platformOfConfig,
  platformsOf,
} from './image-facts';

/** What registration learns from the registry about one digest. */
export interface ImageFacts {
  digest: string;
  mediaType: string;
  size: number;
  platforms: Platform[];
  annotations: Record<string, string>;
  baseName: string | null;
  baseDigest: string | null;
  /** An index's child manifests, in index order; empty for an image manifest. */
  childDigests: string[];
}

/**
 * Image configs are small JSON documents (a few KiB); a larger one is not read for its platform,
 * so registration never buffers an arbitrary blob (invariant 3 is about layers, but a bound keeps it honest).
 */
const MAX_CONFIG_BYTES = 1024 * 1024;

/** Nested indexes are legal but rare; a bound keeps a hostile registry from recursing forever. */
const MAX_DEPTH = 4;

/**
 * Reads an image from its registry. A tag is resolved to a digest once (HEAD) and everything after
 * reads by that digest (invariant 1), so a tag moving mid-request cannot mix two images.
 */
export class ImageReader {
  constructor(
    private readonly client: RegistryClient,
    private readonly registry: string,
  ) {}

  async resolveTag(repository: string, tag: string): Promise<string> {
    const descriptor = await this.client.headManifest(repository, tag);
    if (!descriptor) {
      throw new RegistryError(
        'REGISTRY_NOT_FOUND',
        `Tag "${tag}" of repository "${repository}" not found in registry "${this.registry}"`,
        {
          registry: this.registry,
          status: 404,
          operation: `HEAD /v2/${repository}/manifests/${tag}`,
          retryable: false,
        },
      );
    }
    return descriptor.digest;
  }

  async read(repository: string, digest: string): Promise<ImageFacts> {
    const raw = await this.client.getManifest(repository, digest);
    const parsed = parseManifest(raw, this.registry);
    const annotations = parsed.annotations ?? {};
    const config =
      parsed.kind === 'index' ? undefined : await this.readConfig(repository, parsed.config);
    const platform = config === undefined ? undefined : platformOfConfig(config);
    return {
      digest,
      mediaType: parsed.mediaType,
      size: await this.totalSize(repository, raw, parsed, 0),
      platforms: parsed.kind === 'index' ? platformsOf(parsed) : platform ? [platform] : [],
      annotations,
      childDigests: parsed.kind === 'index' ? parsed.manifests.map((m) => m.digest) : [],
      ...baseOf(annotations, labelsOfConfig(config)),
    };
  }

  /** The image config as JSON, or undefined when it is too large or not JSON. */
  private async readConfig(repository: string, config: Descriptor): Promise<unknown> {
    if (config.size > MAX_CONFIG_BYTES) return undefined;
    // openBlob verifies size and digest while streaming: a registry cannot feed us other bytes.
    const stream = await this.client.openBlob(repository, config);
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    try {
      return JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
    } catch {
      return undefined;
    }
  }

  /** Manifest bytes plus everything it references; an index adds its children's totals. */
  private async totalSize(
    repository: string,
    raw: RawManifest,
    parsed: ParsedManifest,
    depth: number,
  ): Promise<number> {
    if (parsed.kind === 'image') return imageManifestSize(parsed, raw.bytes.length);
    if (depth >= MAX_DEPTH) {
      throw new RegistryError(
        'REGISTRY_ERROR',
        `Index ${raw.digest} nests deeper than ${MAX_DEPTH} levels`,
        {
          registry: this.registry,
          retryable: false,
        },
      );
    }
    const children: number[] = [];
    // Sequential: an index has a handful of children, and this keeps the registry's rate limits calm.
    for (const entry of parsed.manifests) {
      const child = await this.client.getManifest(repository, entry.digest);
      children.push(
        await this.totalSize(repository, child, parseManifest(child, this.registry), depth + 1),
      );
    }
    return indexSize(raw.bytes.length, children);
  }
}
