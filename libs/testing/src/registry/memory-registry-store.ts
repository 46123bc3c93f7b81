import { createHash, randomUUID } from 'node:crypto';
import type { Descriptor } from '../images/image-types';

/** A distribution-style error: `{"errors":[{code, message, detail}]}` with an HTTP status. */
export class OciError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly detail?: unknown,
  ) {
    super(message);
  }
}

/** A manifest as pushed: its exact bytes and Content-Type, and what the referrers API reads. */
export interface StoredManifest {
  digest: string;
  mediaType: string;
  bytes: Buffer;
  /** `subject.digest`, when the manifest refers to another. */
  subject?: string;
  /** `artifactType`, else (an image manifest) its config's media type. */
  artifactType?: string;
  annotations?: Record<string, string>;
}

interface Repository {
  /** Digests of the blobs linked into the repository (content itself is shared). */
  blobs: Set<string>;
  manifests: Map<string, StoredManifest>;
  tags: Map<string, string>;
}

interface Upload {
  repository: string;
  chunks: Buffer[];
  size: number;
}

interface ManifestJson {
  mediaType?: unknown;
  artifactType?: unknown;
  config?: { mediaType?: unknown; digest?: unknown };
  layers?: Array<{ mediaType?: unknown; digest?: unknown }>;
  manifests?: Array<{ digest?: unknown }>;
  subject?: { digest?: unknown };
  annotations?: Record<string, string>;
}

const NAME = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/;
const TAG = /^[\w][\w.-]{0,127}$/;
const DIGEST = /^([a-z0-9]+(?:[.+_-][a-z0-9]+)*):([a-zA-Z0-9=_-]+)$/;
const HASHES: Record<string, number> = { sha256: 64, sha512: 128 };

export function checkName(name: string): void {
  if (!NAME.test(name)) throw new OciError(400, 'NAME_INVALID', 'invalid repository name', name);
}

/** `sha256:<64 hex>` / `sha512:<128 hex>`, else DIGEST_INVALID. */
export function checkDigest(digest: string): void {
  const match = DIGEST.exec(digest);
  const length = match ? HASHES[match[1]!] : undefined;
  if (!match || length === undefined || !new RegExp(`^[a-f0-9]{${length}}$`).test(match[2]!))
    throw new OciError(400, 'DIGEST_INVALID', 'provided digest did not match uploaded content', {
      digest,
    });
}

export function isDigest(reference: string): boolean {
  return DIGEST.test(reference);
}

export function digestOf(bytes: Buffer, algorithm = 'sha256'): string {
  return `${algorithm}:${createHash(algorithm).update(bytes).digest('hex')}`;
}

function verify(bytes: Buffer, digest: string): void {
  checkDigest(digest);
  if (digestOf(bytes, digest.split(':')[0]) !== digest)
    throw new OciError(400, 'DIGEST_INVALID', 'provided digest did not match uploaded content', {
      digest,
    });
}

/** The content of an in-memory OCI Distribution registry: blobs, manifests, tags, uploads. */
export class MemoryRegistryStore {
  private readonly content = new Map<string, Buffer>();
  private readonly repositories = new Map<string, Repository>();
  private readonly uploads = new Map<string, Upload>();

  hasRepository(name: string): boolean {
    return this.repositories.has(name);
  }

  blob(name: string, digest: string): Buffer | undefined {
    return this.repositories.get(name)?.blobs.has(digest) ? this.content.get(digest) : undefined;
  }

  /** Stores a blob after checking its bytes hash to `digest`. */
  putBlob(name: string, digest: string, bytes: Buffer): void {
    verify(bytes, digest);
    this.content.set(digest, bytes);
    this.repository(name).blobs.add(digest);
  }

  /** Links a blob of `from` into `name`; false when `from` does not have it. */
  mount(name: string, digest: string, from: string): boolean {
    if (!this.blob(from, digest)) return false;
    this.repository(name).blobs.add(digest);
    return true;
  }

  startUpload(name: string): string {
    const id = randomUUID();
    this.uploads.set(id, { repository: name, chunks: [], size: 0 });
    return id;
  }

  /** Bytes received so far by an upload session. */
  uploadSize(name: string, id: string): number {
    return this.upload(name, id).size;
  }

  /** Appends a chunk; a `Content-Range` must start where the upload stands. */
  appendUpload(name: string, id: string, bytes: Buffer, range?: string): number {
    const upload = this.upload(name, id);
    const start = range === undefined ? undefined : Number(/^(\d+)-\d+$/.exec(range)?.[1]);
    if (start !== undefined && start !== upload.size)
      throw new OciError(416, 'BLOB_UPLOAD_INVALID', `range ${range} does not follow the upload`);
    upload.chunks.push(bytes);
    upload.size += bytes.length;
    return upload.size;
  }

  /** Closes an upload with its last bytes: the whole must hash to `digest`. */
  finishUpload(name: string, id: string, digest: string, bytes: Buffer): void {
    const upload = this.upload(name, id);
    this.putBlob(name, digest, Buffer.concat([...upload.chunks, bytes]));
    this.uploads.delete(id);
  }

  cancelUpload(name: string, id: string): void {
    this.upload(name, id);
    this.uploads.delete(id);
  }

  /**
   * Stores a manifest under its digest (and `reference` when that is a tag), as distribution
   * does: the bytes must hash to a digest reference, be JSON, and reference only blobs and child
   * manifests the repository has. Its subject need not exist.
   */
  putManifest(name: string, reference: string, contentType: string, bytes: Buffer) {
    if (isDigest(reference)) verify(bytes, reference);
    else checkTag(reference);
    const json = parseManifestJson(bytes);
    const mediaType = contentType || (typeof json.mediaType === 'string' ? json.mediaType : '');
    if (!mediaType) throw new OciError(400, 'MANIFEST_INVALID', 'manifest without a media type');
    const repository = this.repository(name);
    this.checkReferences(repository, json);
    const stored: StoredManifest = {
      digest: isDigest(reference) ? reference : digestOf(bytes),
      mediaType,
      bytes,
      ...referrerFields(json),
    };
    repository.manifests.set(stored.digest, stored);
    if (!isDigest(reference)) repository.tags.set(reference, stored.digest);
    return stored;
  }

  manifest(name: string, reference: string): StoredManifest | undefined {
    const repository = this.repositories.get(name);
    const digest = isDigest(reference) ? reference : repository?.tags.get(reference);
    return digest === undefined ? undefined : repository?.manifests.get(digest);
  }

  /** Deletes a manifest and every tag naming it (by digest), or just the tag; false when absent. */
  deleteManifest(name: string, reference: string): boolean {
    const repository = this.repositories.get(name);
    if (!repository) return false;
    if (!isDigest(reference)) return repository.tags.delete(reference);
    if (!repository.manifests.delete(reference)) return false;
    for (const [tag, digest] of repository.tags)
      if (digest === reference) repository.tags.delete(tag);
    return true;
  }

  /** Tags of a repository, sorted; undefined when the repository does not exist. */
  tags(name: string): string[] | undefined {
    const repository = this.repositories.get(name);
    return repository && [...repository.tags.keys()].sort();
  }

  /** Descriptors of every manifest in `name` whose subject is `digest`, in push order. */
  referrers(name: string, digest: string, artifactType?: string): Descriptor[] {
    const manifests = [...(this.repositories.get(name)?.manifests.values() ?? [])];
    return manifests
      .filter((m) => m.subject === digest)
      .filter((m) => artifactType === undefined || m.artifactType === artifactType)
      .map((m) => ({
        mediaType: m.mediaType,
        digest: m.digest,
        size: m.bytes.length,
        ...(m.artifactType !== undefined ? { artifactType: m.artifactType } : {}),
        ...(m.annotations !== undefined ? { annotations: m.annotations } : {}),
      }));
  }

  private repository(name: string): Repository {
    let repository = this.repositories.get(name);
    if (!repository) {
      repository = { blobs: new Set(), manifests: new Map(), tags: new Map() };
      this.repositories.set(name, repository);
    }
    return repository;
  }

  private upload(name: string, id: string): Upload {
    const upload = this.uploads.get(id);
    if (!upload || upload.repository !== name)
      throw new OciError(404, 'BLOB_UPLOAD_UNKNOWN', 'blob upload unknown to registry', { id });
    return upload;
  }

  private checkReferences(repository: Repository, json: ManifestJson): void {
    const blobs = [json.config, ...(json.layers ?? [])].filter(
      (b) => b !== undefined && !/nondistributable|foreign/.test(String(b.mediaType)),
    );
    for (const blob of blobs)
      if (typeof blob!.digest !== 'string' || !repository.blobs.has(blob!.digest))
        throw new OciError(400, 'MANIFEST_BLOB_UNKNOWN', 'blob unknown to registry', {
          digest: blob!.digest,
        });
    for (const child of json.manifests ?? [])
      if (typeof child.digest !== 'string' || !repository.manifests.has(child.digest))
        throw new OciError(400, 'MANIFEST_BLOB_UNKNOWN', 'manifest unknown to registry', {
          digest: child.digest,
        });
  }
}

function checkTag(tag: string): void {
  if (!TAG.test(tag)) throw new OciError(400, 'TAG_INVALID', 'manifest tag did not match URI', tag);
}

function parseManifestJson(bytes: Buffer): ManifestJson {
  let json: unknown;
  try {
    json = JSON.parse(bytes.toString('utf8'));
  } catch {
    throw new OciError(400, 'MANIFEST_INVALID', 'manifest invalid: not JSON');
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json))
    throw new OciError(400, 'MANIFEST_INVALID', 'manifest invalid: not a JSON object');
  return json as ManifestJson;
}

/** What the referrers API lists of a manifest: its subject, artifact type and annotations. */
function referrerFields(json: ManifestJson): Partial<StoredManifest> {
  const subject = typeof json.subject?.digest === 'string' ? json.subject.digest : undefined;
  const artifactType =
    typeof json.artifactType === 'string'
      ? json.artifactType
      : typeof json.config?.mediaType === 'string'
        ? json.config.mediaType
        : undefined;
  return {
    ...(subject !== undefined ? { subject } : {}),
    ...(artifactType !== undefined ? { artifactType } : {}),
    ...(json.annotations !== undefined ? { annotations: json.annotations } : {}),
  };
}
