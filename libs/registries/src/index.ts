export { RegistriesModule } from './registries.module';
export { RegistriesService } from './registries.service';
export { RegistryClientFactory, type ClientVariant } from './registry-client-factory';
export { credentialsContext, type RegistryCredentials } from './registry-credentials';
export type {
  NewRegistryRequest,
  RegistryCheckResult,
  RegistryTlsSettings,
  RegistryUpdateRequest,
} from './registry-requests';
export {
  checkCaPem,
  checkRegistryName,
  normalizeRegistryUrl,
  REGISTRY_NAME_PATTERN,
  REGISTRY_NAME_RULE,
} from './registry-rules';
export { toRegistryView, type RegistryView } from './registry-view';
