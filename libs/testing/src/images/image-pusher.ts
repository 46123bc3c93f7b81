import { referrersFallbackTag } from './digest';
import { descriptorOf } from './image-builder';
import type { Descriptor, PushedImage, TestImage } from './image-types';
import { MANIFEST_ACCEPT, MediaTypes } from './media-types';
import {
  RegistryRequestError,
  RegistryTransport,
  type RegistryRequest,
  type RegistryTarget,
} from './registry-transport';

/** A manifest as the registry returned it. */
export interface FetchedManifest {
  mediaType: string;
  digest?: string;
  bytes: Buffer;
}

interface ImageIndexJson {
  schemaVersion: 2;
  mediaType: string;
  manifests: Descriptor[];
}

/**
 * Pushes TestImages to a real registry, independently of the code under test: blobs (HEAD, then
 * POST + monolithic PUT), child manifests, the manifest by digest, then tags — exact bytes.
 */
export class ImagePusher {
  readonly transport: RegistryTransport;

  constructor(target: RegistryTarget) {
    this.transport = new RegistryTransport(target);
  }

  /** Pushes an image or index (children first) and tags it. */
  async push(repository: string, image: TestImage, tags: string[] = []): Promise<PushedImage> {
    for (const child of image.children) await this.push(repository, child);
    for (const blob of image.blobs)
      await this.pushBlob(repository, blob, image.blobContents.get(blob.digest));
    await this.pushManifest(repository, image.digest, image);
    for (const tag of tags) await this.pushManifest(repository, tag, image);
    return { ...image, repository, tags };
  }

  /**
   * Pushes an artifact and lists it in the subject's `sha256-<hex>` fallback index (the OCI 1.1
   * referrers tag schema; distribution 2.8 has no referrers API). Read-modify-write: callers
   * must not push referrers of one subject concurrently.
   */
  async pushReferrer(repository: string, artifact: TestImage): Promise<PushedImage> {
    if (!artifact.subject) throw new Error(`artifact ${artifact.digest} has no subject`);
    const pushed = await this.push(repository, artifact);
    const tag = referrersFallbackTag(artifact.subject.digest);
    const index =
      (await this.getReferrersIndex(repository, artifact.subject.digest)) ?? emptyIndex();
    const entry = {
      ...descriptorOf(artifact),
      ...(artifact.annotations ? { annotations: artifact.annotations } : {}),
    };
    index.manifests = [...index.manifests.filter((m) => m.digest !== artifact.digest), entry];
    const bytes = Buffer.from(JSON.stringify(index));
    await this.putManifest(repository, tag, MediaTypes.ociIndex, bytes);
    return pushed;
  }

  /** The subject's fallback referrers index, or undefined when no referrer was pushed yet. */
  async getReferrersIndex(
    repository: string,
    subjectDigest: string,
  ): Promise<ImageIndexJson | undefined> {
    const fetched = await this.getManifest(repository, referrersFallbackTag(subjectDigest));
    return fetched && (JSON.parse(fetched.bytes.toString()) as ImageIndexJson);
  }

  /** GET a manifest; undefined on 404, RegistryRequestError on anything else but 200. */
  async getManifest(repository: string, reference: string): Promise<FetchedManifest | undefined> {
    const req = {
      method: 'GET',
      path: `/v2/${repository}/manifests/${reference}`,
      headers: { Accept: MANIFEST_ACCEPT },
    };
    const res = await this.transport.request(req);
    if (res.status === 404) return undefined;
    if (res.status !== 200) throw new RegistryRequestError(req, res);
    const digest = res.headers['docker-content-digest'];
    return {
      mediaType: res.headers['content-type'] ?? '',
      digest: typeof digest === 'string' ? digest : undefined,
      bytes: res.body,
    };
  }

  /** Uploads a blob unless the repository already has it; true when it was uploaded. */
  async pushBlob(
    repository: string,
    blob: Descriptor,
    bytes: Buffer | undefined,
  ): Promise<boolean> {
    if (!bytes) throw new Error(`no content for blob ${blob.digest}`);
    const head = await this.expect(
      { method: 'HEAD', path: `/v2/${repository}/blobs/${blob.digest}` },
      [200, 404],
    );
    if (head.status === 200) return false;
    const started = await this.expect(
      { method: 'POST', path: `/v2/${repository}/blobs/uploads/` },
      [202],
    );
    const location = started.headers.location;
    if (!location) throw new Error(`upload for ${repository} started without a Location`);
    // Append, don't rebuild, the query: the opaque `_state` parameter must reach the registry intact.
    const path = `${location}${location.includes('?') ? '&' : '?'}digest=${encodeURIComponent(blob.digest)}`;
    const headers = { 'Content-Type': 'application/octet-stream' };
    await this.expect({ method: 'PUT', path, headers, body: bytes }, [201]);
    return true;
  }

  /** PUTs the exact manifest bytes under a digest or tag; checks the digest the registry computed. */
  async pushManifest(repository: string, reference: string, image: TestImage): Promise<void> {
    const digest = await this.putManifest(
      repository,
      reference,
      image.mediaType,
      image.manifestBytes,
    );
    if (digest !== image.digest)
      throw new Error(`registry computed ${digest} for manifest ${image.digest}`);
  }

  close(): void {
    this.transport.close();
  }

  private async putManifest(
    repository: string,
    reference: string,
    mediaType: string,
    bytes: Buffer,
  ): Promise<string | undefined> {
    const path = `/v2/${repository}/manifests/${reference}`;
    const res = await this.expect(
      { method: 'PUT', path, headers: { 'Content-Type': mediaType }, body: bytes },
      [201],
    );
    const digest = res.headers['docker-content-digest'];
    return typeof digest === 'string' ? digest : undefined;
  }

  private async expect(
    req: RegistryRequest,
    statuses: number[],
  ): Promise<{ status: number; headers: Record<string, string | undefined> }> {
    const res = await this.transport.request(req);
    if (!statuses.includes(res.status)) throw new RegistryRequestError(req, res);
    const headers = Object.fromEntries(
      Object.entries(res.headers).map(([k, v]) => [k, Array.isArray(v) ? v[0] : v]),
    );
    return { status: res.status, headers };
  }
}

function emptyIndex(): ImageIndexJson {
  return { schemaVersion: 2, mediaType: MediaTypes.ociIndex, manifests: [] };
}
