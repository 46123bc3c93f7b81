export type { BlobLocation, BlobLocations } from './blob-locations';
export { CopyEngine } from './copy-engine';
export type {
  BlobAction,
  CarriedReferrer,
  CopyMode,
  CopyOptions,
  CopyPlan,
  CopyProgress,
  CopyRequest,
  CopyResult,
  CopySource,
  CopyTarget,
  PlannedBlob,
  PlanOptions,
  ReferrerAction,
  ReferrerSelection,
} from './copy-types';
export { updateFallbackIndex as linkReferrers } from './referrer-copier';
export { serializeTagUpdate, useTagUpdateLock, type TagUpdateLock } from './tag-updates';
export { MAX_REFERRER_DEPTH, MAX_REFERRERS } from './referrer-walk';
export { referrersTag, sha256Digest } from './digest';
export { RegistryLimiter } from './registry-limiter';
export { tagConflictError, type TagConflict } from './tag-conflict';
export { putTags, tagsToWrite } from './tag-writer';
export { mapLimit } from './map-limit';
