export {
  buildArtifact,
  buildArtifactIndex,
  buildSbom,
  buildSignature,
  type ArtifactIndexSpec,
  type ArtifactSpec,
} from './artifact-builder';
export {
  createBlob,
  createConfig,
  createLayer,
  type BuiltBlob,
  type BuiltLayer,
  type LayerCompression,
  type LayerSpec,
} from './blob-factory';
export { referrersFallbackTag, sha256Digest } from './digest';
export {
  buildImage,
  buildIndex,
  DEFAULT_PLATFORMS,
  descriptorOf,
  type ImageSpec,
  type IndexSpec,
  type ManifestFormat,
} from './image-builder';
export { ImagePusher, type FetchedManifest } from './image-pusher';
export type { Descriptor, Platform, PushedImage, TestImage } from './image-types';
export { MANIFEST_ACCEPT, MediaTypes } from './media-types';
export {
  RegistryRequestError,
  RegistryTransport,
  type RegistryRequest,
  type RegistryResponse,
  type RegistryTarget,
} from './registry-transport';
