import { AirlockError } from '@airlock/errors';
import {
  isIndexMediaType,
  type Descriptor,
  type OciRegistry,
  type PushOutcome,
  type RawManifest,
} from '@airlock/registry-client';
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';

const digestOf = (bytes: Buffer) => `sha256:${createHash('sha256').update(bytes).digest('hex')}`;

/**
 * An in-memory registry for unit tests of the copy engine's decisions and write order only.
 * Everything that touches HTTP, auth or verification is tested against real registries.
 */
export class FakeRegistry implements OciRegistry {
  readonly calls: string[] = [];
  readonly blobs = new Map<string, Buffer>(); // `${repo}@${digest}`
  readonly manifests = new Map<string, RawManifest>(); // `${repo}@${digest}`
  readonly tags = new Map<string, string>(); // `${repo}:${tag}` → digest

  constructor(
    readonly name: string,
    readonly origin = `http://${name}.test`,
  ) {}

  addBlob(repository: string, bytes: Buffer): Descriptor {
    const digest = digestOf(bytes);
    this.blobs.set(`${repository}@${digest}`, bytes);
    return { mediaType: 'application/octet-stream', digest, size: bytes.length };
  }

  addManifest(repository: string, document: object, mediaType: string, tag?: string): RawManifest {
    const bytes = Buffer.from(JSON.stringify(document));
    const raw = { mediaType, digest: digestOf(bytes), bytes };
    this.manifests.set(`${repository}@${raw.digest}`, raw);
    if (tag) this.tags.set(`${repository}:${tag}`, raw.digest);
    return raw;
  }

  private resolve(repository: string, reference: string): RawManifest | undefined {
    const digest = reference.startsWith('sha256:')
      ? reference
      : this.tags.get(`${repository}:${reference}`);
    return digest ? this.manifests.get(`${repository}@${digest}`) : undefined;
  }

  async headManifest(repository: string, reference: string): Promise<Descriptor | undefined> {
    this.calls.push(`HEAD manifest ${repository}:${reference}`);
    const raw = this.resolve(repository, reference);
    return raw && { mediaType: raw.mediaType, digest: raw.digest, size: raw.bytes.length };
  }

  async getManifest(repository: string, reference: string): Promise<RawManifest> {
    this.calls.push(`GET manifest ${repository}:${reference}`);
    const raw = this.resolve(repository, reference);
    if (!raw) throw new AirlockError('REGISTRY_NOT_FOUND', `${repository}:${reference} not found`);
    return raw;
  }

  async findManifest(repository: string, reference: string): Promise<RawManifest | undefined> {
    this.calls.push(`GET manifest ${repository}:${reference}`);
    return this.resolve(repository, reference);
  }

  async putManifest(
    repository: string,
    reference: string,
    manifest: Pick<RawManifest, 'mediaType' | 'bytes'>,
  ): Promise<string> {
    this.calls.push(`PUT manifest ${repository}:${reference}`);
    const raw = { ...manifest, digest: digestOf(manifest.bytes) };
    const children = isIndexMediaType(raw.mediaType)
      ? (JSON.parse(raw.bytes.toString()) as { manifests: Descriptor[] }).manifests
      : [];
    for (const child of children) {
      if (!this.manifests.has(`${repository}@${child.digest}`))
        throw new AirlockError('REGISTRY_ERROR', `child ${child.digest} unknown`);
    }
    this.manifests.set(`${repository}@${raw.digest}`, raw);
    if (!reference.startsWith('sha256:')) this.tags.set(`${repository}:${reference}`, raw.digest);
    return raw.digest;
  }

  async headBlob(repository: string, digest: string): Promise<number | undefined> {
    this.calls.push(`HEAD blob ${repository}@${digest}`);
    return this.blobs.get(`${repository}@${digest}`)?.length;
  }

  async openBlob(
    repository: string,
    descriptor: Pick<Descriptor, 'digest' | 'size'>,
  ): Promise<Readable> {
    this.calls.push(`GET blob ${repository}@${descriptor.digest}`);
    const bytes = this.blobs.get(`${repository}@${descriptor.digest}`);
    if (!bytes) throw new AirlockError('REGISTRY_NOT_FOUND', `blob ${descriptor.digest} not found`);
    return Readable.from([bytes]);
  }

  async pushBlob(
    repository: string,
    descriptor: Pick<Descriptor, 'digest' | 'size'>,
    open: () => Promise<Readable>,
  ): Promise<PushOutcome> {
    // As a registry answering the session's mount-from-itself: held already, nothing streamed.
    if (this.blobs.has(`${repository}@${descriptor.digest}`)) {
      this.calls.push(`PRESENT blob ${repository}@${descriptor.digest}`);
      return 'present';
    }
    this.calls.push(`PUSH blob ${repository}@${descriptor.digest}`);
    const chunks: Buffer[] = [];
    for await (const chunk of await open()) chunks.push(chunk as Buffer);
    this.blobs.set(`${repository}@${descriptor.digest}`, Buffer.concat(chunks));
    return 'uploaded';
  }

  async mountBlob(repository: string, digest: string, fromRepository: string): Promise<boolean> {
    this.calls.push(`MOUNT blob ${repository}@${digest} from ${fromRepository}`);
    const bytes = this.blobs.get(`${fromRepository}@${digest}`);
    if (bytes) this.blobs.set(`${repository}@${digest}`, bytes);
    return bytes !== undefined;
  }

  async listTags(repository: string): Promise<string[]> {
    return [...this.tags.keys()]
      .filter((k) => k.startsWith(`${repository}:`))
      .map((k) => k.slice(repository.length + 1));
  }

  async referrers(repository: string, digest: string): Promise<Descriptor[]> {
    this.calls.push(`REFERRERS ${repository}@${digest}`);
    const fallback = this.resolve(repository, digest.replace(':', '-'));
    return fallback
      ? (JSON.parse(fallback.bytes.toString()) as { manifests: Descriptor[] }).manifests
      : [];
  }

  /** Calls that wrote something, in order. */
  writes(): string[] {
    return this.calls.filter((c) => /^(PUT|PUSH|MOUNT)/.test(c));
  }
}
