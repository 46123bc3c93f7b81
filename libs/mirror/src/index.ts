export { MirrorModule, MirrorWorkerModule } from './mirror.module';
export {
  MAX_ARCHIVED_TAG_LENGTH,
  MAX_REGISTRY_REF_LENGTH,
  MAX_RUN_CURSOR_LENGTH,
  MAX_SCHEDULE_LENGTH,
  MIRROR_RUN_PAGE_LIMIT,
  type MirrorRuleRequest,
  type MirrorRuleUpdate,
  type RepositoryRef,
} from './mirror-rules';
export { MirrorRulesService } from './mirror-rules.service';
export { MirrorSchedules, schedulerIdOf, tickOf } from './mirror-schedules';
export { historyTagOf, MirrorBusyError, MirrorSync } from './mirror-sync';
export type {
  ArchivedDigestView,
  MirrorRuleView,
  MirrorRunPage,
  MirrorRunView,
  SyncRequested,
} from './mirror-view';
export {
  MIRROR_RUN_STATUSES,
  MIRROR_TAG_OUTCOMES,
  MIRROR_TRIGGERS,
  type MirrorProblem,
  type MirrorRunStatus,
  type MirrorTagOutcome,
  type MirrorTagResult,
  type MirrorTrigger,
} from './mirror.repository';
export {
  MAX_EXPLICIT_TAGS,
  MAX_PATTERN_LENGTH,
  MAX_SELECTED_TAGS,
  selectTags,
  type TagSelection,
} from './tag-selection';
export { UpstreamBudget } from './upstream-budget';
