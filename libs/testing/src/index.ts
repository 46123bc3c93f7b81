export { createTestDatabase, testDatabaseUrl, type TestDatabase } from './database/test-database';
export { connectTestPostgres, type TestPostgres } from './database/test-postgres';
export { AirlockProcess, type AirlockEntry } from './process/airlock-process';
export { spawnGuarded, stopChild, track } from './process/child-processes';
export { freePort } from './process/free-port';
export { waitFor } from './process/wait-for';
export { RedisServerFixture } from './redis/redis-server-fixture';
export { createTestRedis, type TestRedis } from './redis/test-redis';
export {
  RegistryFixture,
  MemoryRegistry,
  MemoryRegistryStore,
  TokenServer,
  NotificationReceiver,
  NOTIFICATION_MEDIA_TYPE,
  createTlsCertificates,
  createTokenSigningCertificate,
  type RegistryOptions,
  type MemoryRegistryOptions,
  type MemoryRegistryRequest,
  type StoredManifest,
  type RegistryAuth,
  type RegistryUser,
  type RegistryEvent,
  type ReceivedEnvelope,
  type IssuedToken,
  type TokenAccess,
  type TokenServerOptions,
  type PemFile,
  type TlsCertificates,
  type SigningCertificate,
} from './registry';
export {
  buildImage,
  buildIndex,
  buildArtifact,
  buildArtifactIndex,
  buildSignature,
  buildSbom,
  createLayer,
  createConfig,
  createBlob,
  descriptorOf,
  DEFAULT_PLATFORMS,
  ImagePusher,
  RegistryTransport,
  RegistryRequestError,
  MediaTypes,
  MANIFEST_ACCEPT,
  sha256Digest,
  referrersFallbackTag,
  type TestImage,
  type PushedImage,
  type Descriptor,
  type Platform,
  type LayerSpec,
  type LayerCompression,
  type ImageSpec,
  type IndexSpec,
  type ManifestFormat,
  type ArtifactSpec,
  type ArtifactIndexSpec,
  type BuiltBlob,
  type BuiltLayer,
  type FetchedManifest,
  type RegistryTarget,
  type RegistryRequest,
  type RegistryResponse,
} from './images';
export { Skopeo, type SkopeoAccess, type SkopeoCopyOptions } from './skopeo/skopeo';
export {
  FaultProxy,
  type FaultProxyOptions,
  type ProxiedRequest,
  type FaultHandle,
  type FaultKind,
  type FaultRule,
  type OciErrorBody,
} from './proxy';
export {
  buildBigImage,
  createStreamedLayer,
  pushFileBlob,
  type BigImage,
  type BigImageSpec,
  type StreamedLayer,
  type StreamedLayerSpec,
} from './images/streamed-layer';
