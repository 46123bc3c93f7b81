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
  checkRepository,
  throwIfInvalid,
  type FieldProblem,
  DIGEST_PATTERN,
  IMAGE_PAGE_LIMIT,
  MAX_REPOSITORY_LENGTH,
  REPOSITORY_PATTERN,
  TAG_PATTERN,
} from './image-rules';
export type {
  BuildInfo,
  ImageDetailView,
  ImageLocationView,
  ImagePage,
  ImageTagView,
  ImageView,
} from './image-view';
export { ImagesModule } from './images.module';
export {
  GATE_FILTER_STATUSES,
  ImagesService,
  type GateFilterStatus,
  type ImageListFilters,
  type ImageLookup,
  type PromotionSummary,
  type RegisterImageRequest,
  type RegisterOptions,
} from './images.service';
export {
  BaseDriftService,
  type BaseLocation,
  type BaseMove,
  type BaseUpdatedEvent,
  type DependentView,
  type DriftFilters,
  type DriftItem,
  type DriftReport,
} from './base-drift.service';
