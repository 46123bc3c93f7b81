export { CopyEngine } from './copy-engine';
export type {
  BlobAction,
  CopyMode,
  CopyOptions,
  CopyPlan,
  CopyProgress,
  CopyRequest,
  CopyResult,
  CopySource,
  CopyTarget,
  PlannedBlob,
  ReferrerSelection,
} from './copy-types';
export { RegistryLimiter } from './registry-limiter';
export { tagConflictError, type TagConflict } from './tag-conflict';
