import {
  createConfig,
  createLayer,
  type BuiltBlob,
  type BuiltLayer,
  type LayerSpec,
} from './blob-factory';
import { sha256Digest } from './digest';
import type { Descriptor, Platform, TestImage } from './image-types';
import { MediaTypes } from './media-types';

/** `oci`: OCI image manifest / index. `docker`: Docker schema2 manifest / manifest list. */
export type ManifestFormat = 'oci' | 'docker';

export interface ImageSpec {
  format?: ManifestFormat;
  /** Default linux/amd64. */
  platform?: Platform;
  /** Default one 1 KiB gzip layer. */
  layers?: LayerSpec[];
  /**
   * Layers built once (createLayer) and put first, below `layers`: images built on one base
   * share these blobs byte for byte, as services built FROM one base image do.
   */
  baseLayers?: BuiltLayer[];
  annotations?: Record<string, string>;
}

export interface IndexSpec {
  format?: ManifestFormat;
  /** Default linux/amd64, linux/arm64, linux/arm/v7. Each child gets its own random layers. */
  platforms?: Platform[];
  layers?: LayerSpec[];
  annotations?: Record<string, string>;
}

export const DEFAULT_PLATFORMS: Platform[] = [
  { os: 'linux', architecture: 'amd64' },
  { os: 'linux', architecture: 'arm64' },
  { os: 'linux', architecture: 'arm', variant: 'v7' },
];

const FORMATS = {
  oci: {
    manifest: MediaTypes.ociManifest,
    index: MediaTypes.ociIndex,
    config: MediaTypes.ociConfig,
    layer: MediaTypes.ociLayerGzip,
  },
  docker: {
    manifest: MediaTypes.dockerManifest,
    index: MediaTypes.dockerManifestList,
    config: MediaTypes.dockerConfig,
    layer: MediaTypes.dockerLayerGzip,
  },
};

/** A single-platform image with random layers and a matching config. */
export function buildImage(spec: ImageSpec = {}): TestImage {
  const types = FORMATS[spec.format ?? 'oci'];
  const platform = spec.platform ?? DEFAULT_PLATFORMS[0];
  const layers = [
    ...(spec.baseLayers ?? []),
    ...(spec.layers ?? [{ size: 1024 }]).map((l) => createLayer(l, types.layer)),
  ];
  const diffIds = layers.map((l) => l.diffId);
  const config = createConfig(platform, diffIds, types.config);
  const manifest = {
    schemaVersion: 2,
    mediaType: types.manifest,
    config: config.descriptor,
    layers: layers.map((l) => l.descriptor),
    ...(spec.annotations ? { annotations: spec.annotations } : {}),
  };
  return {
    ...manifestOf(manifest, types.manifest),
    ...blobsOf([config, ...layers]),
    layers: layers.map((l) => l.descriptor),
    diffIds,
    platforms: [platform],
    children: [],
    annotations: spec.annotations,
  };
}

/** A multi-platform index (OCI) or manifest list (Docker) whose children are full images. */
export function buildIndex(spec: IndexSpec = {}): TestImage {
  const format = spec.format ?? 'oci';
  const platforms = spec.platforms ?? DEFAULT_PLATFORMS;
  const children = platforms.map((platform) =>
    buildImage({ format, platform, layers: spec.layers }),
  );
  const index = {
    schemaVersion: 2,
    mediaType: FORMATS[format].index,
    manifests: children.map((child) => ({ ...descriptorOf(child), platform: child.platforms[0] })),
    ...(spec.annotations ? { annotations: spec.annotations } : {}),
  };
  return {
    ...manifestOf(index, FORMATS[format].index),
    ...blobsOf([]),
    layers: [],
    diffIds: [],
    platforms,
    children,
    annotations: spec.annotations,
  };
}

/** The descriptor pointing at a built manifest (for an index entry or a `subject`). */
export function descriptorOf(image: TestImage): Descriptor {
  const base = {
    mediaType: image.mediaType,
    digest: image.digest,
    size: image.manifestBytes.length,
  };
  return image.artifactType ? { ...base, artifactType: image.artifactType } : base;
}

export function manifestOf(
  manifest: object,
  mediaType: string,
): Pick<TestImage, 'manifestBytes' | 'digest' | 'mediaType'> {
  const manifestBytes = Buffer.from(JSON.stringify(manifest));
  return { manifestBytes, digest: sha256Digest(manifestBytes), mediaType };
}

export function blobsOf(blobs: BuiltBlob[]): Pick<TestImage, 'blobs' | 'blobContents'> {
  return {
    blobs: blobs.map((b) => b.descriptor),
    blobContents: new Map(blobs.map((b) => [b.descriptor.digest, b.bytes])),
  };
}
