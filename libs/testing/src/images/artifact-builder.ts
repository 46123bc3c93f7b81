import { randomUUID } from 'node:crypto';
import { createBlob } from './blob-factory';
import { blobsOf, descriptorOf, manifestOf } from './image-builder';
import type { Descriptor, TestImage } from './image-types';
import { MediaTypes } from './media-types';

export interface ArtifactSpec {
  /** The image the artifact refers to (becomes the manifest's `subject`). */
  subject: TestImage | Descriptor;
  artifactType: string;
  payload: Buffer;
  /** Media type of the single layer holding `payload`. */
  payloadMediaType: string;
  annotations?: Record<string, string>;
}

// OCI image-spec 1.1 "empty descriptor": artifacts without a config point at the 2-byte `{}`.
const EMPTY_CONFIG = createBlob(Buffer.from('{}'), MediaTypes.ociEmpty);

/** An OCI 1.1 artifact manifest: `artifactType`, empty config, one layer, a `subject`. */
export function buildArtifact(spec: ArtifactSpec): TestImage {
  const subject = 'manifestBytes' in spec.subject ? descriptorOf(spec.subject) : spec.subject;
  const payload = createBlob(spec.payload, spec.payloadMediaType);
  const annotations = {
    'org.opencontainers.image.created': '2024-01-01T00:00:00Z',
    ...spec.annotations,
  };
  const manifest = {
    schemaVersion: 2,
    mediaType: MediaTypes.ociManifest,
    artifactType: spec.artifactType,
    config: EMPTY_CONFIG.descriptor,
    layers: [payload.descriptor],
    subject,
    annotations,
  };
  return {
    ...manifestOf(manifest, MediaTypes.ociManifest),
    ...blobsOf([EMPTY_CONFIG, payload]),
    layers: [payload.descriptor],
    diffIds: [],
    platforms: [],
    children: [],
    artifactType: spec.artifactType,
    subject,
    annotations,
  };
}

export interface ArtifactIndexSpec {
  /** The image the index refers to (becomes the index's `subject`). */
  subject: TestImage | Descriptor;
  artifactType: string;
  /** The index's manifests, e.g. one attestation per platform; pushed before the index. */
  children: TestImage[];
}

/**
 * An OCI 1.1 index that is itself a referrer: `artifactType`, `subject`, and manifests of its
 * own (e.g. one attestation per platform). Copying it means copying its children first.
 */
export function buildArtifactIndex(spec: ArtifactIndexSpec): TestImage {
  const subject = 'manifestBytes' in spec.subject ? descriptorOf(spec.subject) : spec.subject;
  const index = {
    schemaVersion: 2,
    mediaType: MediaTypes.ociIndex,
    artifactType: spec.artifactType,
    manifests: spec.children.map(descriptorOf),
    subject,
  };
  return {
    ...manifestOf(index, MediaTypes.ociIndex),
    ...blobsOf([]),
    layers: [],
    diffIds: [],
    platforms: [],
    children: spec.children,
    artifactType: spec.artifactType,
    subject,
  };
}

/** A cosign-style signature (simple-signing payload naming the subject digest). */
export function buildSignature(
  subject: TestImage | Descriptor,
  annotations?: Record<string, string>,
): TestImage {
  const payload = {
    critical: {
      identity: { 'docker-reference': 'airlock.test/image' },
      image: { 'docker-manifest-digest': subject.digest },
      type: 'cosign container image signature',
    },
    optional: { nonce: randomUUID() },
  };
  return buildArtifact({
    subject,
    artifactType: MediaTypes.cosignSignature,
    payload: Buffer.from(JSON.stringify(payload)),
    payloadMediaType: MediaTypes.cosignSimpleSigning,
    annotations,
  });
}

/** A minimal SPDX 2.3 SBOM. */
export function buildSbom(
  subject: TestImage | Descriptor,
  annotations?: Record<string, string>,
): TestImage {
  const sbom = {
    spdxVersion: 'SPDX-2.3',
    dataLicense: 'CC0-1.0',
    SPDXID: 'SPDXRef-DOCUMENT',
    name: `sbom-${subject.digest}`,
    documentNamespace: `https://airlock.test/spdx/${randomUUID()}`,
    creationInfo: { created: '2024-01-01T00:00:00Z', creators: ['Tool: airlock-tests'] },
    packages: [],
  };
  return buildArtifact({
    subject,
    artifactType: MediaTypes.spdxJson,
    payload: Buffer.from(JSON.stringify(sbom)),
    payloadMediaType: MediaTypes.spdxJson,
    annotations,
  });
}
