export {
  BASE_DIGEST_ANNOTATION,
  BASE_NAME_ANNOTATION,
  baseOf,
  imageManifestSize,
  indexSize,
  platformsOf,
} from './image-facts';
export { ImageReader, type ImageFacts } from './image-reader';
export {
  checkDigest,
  checkRepository,
  checkTag,
  DIGEST_FIELD,
  DIGEST_PATTERN,
  DIGEST_RULE,
  isDigest,
  isRepository,
  isTag,
  MAX_REPOSITORY_LENGTH,
  REPOSITORY_FIELD,
  REPOSITORY_PATTERN,
  REPOSITORY_RULE,
  TAG_FIELD,
  TAG_PATTERN,
  TAG_RULE,
} from './oci-names';
export {
  GATE_FILTER_STATUSES,
  IMAGE_PAGE_LIMIT,
  MAX_BUILD_TEXT_LENGTH,
  MAX_BUILD_URL_LENGTH,
  MAX_CURSOR_LENGTH,
  MAX_DRIFT_BASE_LENGTH,
  MAX_DRIFT_STAGE_LENGTH,
  type DriftFilters,
  type GateFilterStatus,
  type ImageListRequest,
  type RegisterImageRequest,
} from './image-rules';
export type {
  BuildInfo,
  ImageBase,
  ImageDetailView,
  ImageGates,
  ImageLocationView,
  ImageLookup,
  ImagePage,
  ImageTagView,
  ImageView,
} from './image-view';
export { ImagesModule } from './images.module';
export {
  ImageReferrers,
  type ImageReferrersView,
  type LocationReferrersView,
  type PlatformReferrersView,
  type ReferrerView,
} from './image-referrers';
export { ImagesService, type RegisterOptions } from './images.service';
export { BaseDriftService, type BaseMove } from './base-drift.service';
export type {
  BaseLocation,
  BaseUpdatedEvent,
  DependentLocation,
  DependentView,
  DriftBase,
  DriftItem,
  DriftReport,
  UntrackedBase,
} from './drift-view';
export type { RegistryTagEntry } from './tag-ledger.repository';
export {
  TagLedger,
  type ClaimConflict,
  type RecordOptions,
  type TagClaim,
  type TagMove,
  type TagPlace,
  type TagRegistry,
} from './tag-ledger';
