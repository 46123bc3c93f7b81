import {
  MediaType,
  type Descriptor,
  type Platform,
  type RawManifest,
} from '@airlock/registry-client';
import type { FakeRegistry } from './fake-registry';

/** Content for FakeRegistry tests: images, indexes and referrers listed by the tag fallback. */

export function addImage(
  registry: FakeRegistry,
  repo: string,
  layerSizes: number[],
  tag?: string,
  seed = 'a',
): RawManifest {
  const config = registry.addBlob(
    repo,
    Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', seed })),
  );
  const layers = layerSizes.map((size, i) =>
    registry.addBlob(repo, Buffer.alloc(size, `${seed}${i}`)),
  );
  return registry.addManifest(
    repo,
    {
      schemaVersion: 2,
      mediaType: MediaType.OciManifest,
      config: { ...config, mediaType: MediaType.OciConfig },
      layers: layers.map((l) => ({
        ...l,
        mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip',
      })),
    },
    MediaType.OciManifest,
    tag,
  );
}

export function addIndex(
  registry: FakeRegistry,
  repo: string,
  platforms: Platform[],
): { index: RawManifest; children: RawManifest[] } {
  const children = platforms.map((p, i) =>
    addImage(registry, repo, [10 + i, 20 + i], undefined, `${p.architecture}`),
  );
  const index = registry.addManifest(
    repo,
    {
      schemaVersion: 2,
      mediaType: MediaType.OciIndex,
      manifests: children.map((c, i) => ({
        ...descriptorOf(c),
        platform: platforms[i],
      })),
    },
    MediaType.OciIndex,
  );
  return { index, children };
}

export const linux = (architecture: string): Platform => ({ os: 'linux', architecture });

export function descriptorOf(manifest: RawManifest, artifactType?: string): Descriptor {
  return {
    mediaType: manifest.mediaType,
    digest: manifest.digest,
    size: manifest.bytes.length,
    ...(artifactType ? { artifactType } : {}),
  };
}

/**
 * An artifact (signature, SBOM) whose `subject` is `subject`, listed in the subject's
 * `sha256-<hex>` fallback index — what cosign and notation write on distribution 2.8.
 */
export function addReferrer(
  registry: FakeRegistry,
  repo: string,
  subject: RawManifest,
  artifactType: string,
  seed = artifactType,
): RawManifest {
  const payload = registry.addBlob(repo, Buffer.from(`${seed} of ${subject.digest}`));
  const empty = registry.addBlob(repo, Buffer.from('{}'));
  const artifact = registry.addManifest(
    repo,
    {
      schemaVersion: 2,
      mediaType: MediaType.OciManifest,
      artifactType,
      config: { ...empty, mediaType: 'application/vnd.oci.empty.v1+json' },
      layers: [{ ...payload, mediaType: artifactType }],
      subject: descriptorOf(subject),
    },
    MediaType.OciManifest,
  );
  listReferrer(registry, repo, subject.digest, descriptorOf(artifact, artifactType));
  return artifact;
}

/** An index-shaped referrer (e.g. one attestation per platform) with its own child manifests. */
export function addIndexReferrer(
  registry: FakeRegistry,
  repo: string,
  subject: RawManifest,
  artifactType: string,
  children: RawManifest[],
): RawManifest {
  const index = registry.addManifest(
    repo,
    {
      schemaVersion: 2,
      mediaType: MediaType.OciIndex,
      artifactType,
      manifests: children.map((c) => descriptorOf(c)),
      subject: descriptorOf(subject),
    },
    MediaType.OciIndex,
  );
  listReferrer(registry, repo, subject.digest, descriptorOf(index, artifactType));
  return index;
}

/** Adds `referrer` to the subject's fallback index, as a registry client without the API does. */
export function listReferrer(
  registry: FakeRegistry,
  repo: string,
  subject: string,
  referrer: Descriptor,
): void {
  const tag = subject.replace(':', '-');
  const current = registry.tags.get(`${repo}:${tag}`);
  const listed = current
    ? (
        JSON.parse(registry.manifests.get(`${repo}@${current}`)!.bytes.toString()) as {
          manifests: Descriptor[];
        }
      ).manifests
    : [];
  registry.addManifest(
    repo,
    { schemaVersion: 2, mediaType: MediaType.OciIndex, manifests: [...listed, referrer] },
    MediaType.OciIndex,
    tag,
  );
}
