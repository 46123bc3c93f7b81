export {
  NotificationReceiver,
  NOTIFICATION_MEDIA_TYPE,
  type ReceivedEnvelope,
  type RegistryEvent,
} from './notification-receiver';
export { RegistryFixture, type RegistryAuth, type RegistryOptions } from './registry-fixture';
export type { RegistryUser } from './registry-user';
export {
  createTlsCertificates,
  createTokenSigningCertificate,
  type PemFile,
  type SigningCertificate,
  type TlsCertificates,
} from './test-pki';
export {
  TokenServer,
  type IssuedToken,
  type TokenAccess,
  type TokenServerOptions,
} from './token-server';
export {
  MemoryRegistry,
  type MemoryRegistryOptions,
  type MemoryRegistryRequest,
} from './memory-registry';
export { MemoryRegistryStore, type StoredManifest } from './memory-registry-store';
