export type { Descriptor, ParsedManifest, Platform, RawManifest } from './descriptor';
export {
  MANIFEST_ACCEPT,
  MediaType,
  isImageManifestMediaType,
  isIndexMediaType,
} from './media-types';
export type { OciRegistry, PushOutcome } from './oci-registry';
export type { RegistryEndpoint } from './registry-endpoint';
export { RegistryError, type RegistryErrorCode, type RegistryErrorFacts } from './registry-error';
export { RegistryClient } from './registry-client';
export { RecentManifests } from './recent-manifests';
export { SharedReads } from './shared-reads';
export type { RegistryClientOptions } from './registry-client-options';
export { DEFAULT_REGISTRY_LOGGER, type RegistryLogger } from './registry-logger';
export { systemClock, type Clock } from './clock';
export type { HttpMethod, RegistryRequestEvent, Timeouts } from './http/http-types';
export type { RequestGate, RequestGateContext } from './request/registry-requester';
export { parseRetryAfter, type RetryPolicy } from './retry/retry-policy';
export { destroyAgents as closeRegistryConnections } from './http/agent-pool';
export { parseManifest } from './parse-manifest';
export {
  formatPlatform,
  readReferrerTree,
  type PlatformReferrerList,
  type ReferrerTree,
} from './referrers/referrer-tree';
export * from './image-name';
