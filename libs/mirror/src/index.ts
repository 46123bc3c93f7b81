export { MirrorModule, MirrorWorkerModule } from './mirror.module';
export { checkSchedule, MIRROR_RUN_PAGE_LIMIT } from './mirror-rules';
export {
  MirrorRulesService,
  type MirrorRuleRequest,
  type MirrorRuleUpdate,
  type SyncRequested,
} from './mirror-rules.service';
export { MirrorSchedules, schedulerIdOf, tickOf } from './mirror-schedules';
export { historyTagOf, MirrorBusyError, MirrorSync } from './mirror-sync';
export type {
  ArchivedDigestView,
  MirrorRuleView,
  MirrorRunPage,
  MirrorRunView,
} from './mirror-view';
export {
  checkTagSelection,
  MAX_SELECTED_TAGS,
  selectTags,
  type TagSelection,
} from './tag-selection';
export { UpstreamBudget } from './upstream-budget';
