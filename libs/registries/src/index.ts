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
  checkRegistryName,
  MAX_CA_PEM_LENGTH,
  MAX_PASSWORD_LENGTH,
  MAX_REGISTRY_URL_LENGTH,
  MAX_USERNAME_LENGTH,
  REGISTRY_NAME_PATTERN,
  REGISTRY_NAME_RULE,
} from './registry-rules';
export {
  toRegistryView,
  type RegistryCredentialsView,
  type RegistryTlsView,
  type RegistryView,
} from './registry-view';
export { REGISTRY_ROLES, type Registry, type RegistryRole } from './registry.repository';
