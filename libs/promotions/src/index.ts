export type { LandedDigestRow } from './landed-digests.repository';
export { PromotionJobs } from './promotion-jobs';
export { PromotionReconciler, type ReconcileReport } from './promotion-reconciler';
export { PromotionRunner, type RunOutcome } from './promotion-runner';
export {
  IDEMPOTENCY_KEY_PATTERN,
  MAX_PROMOTION_CURSOR_LENGTH,
  MAX_PROMOTION_TAGS,
  PROMOTION_PAGE_LIMIT,
  type PromotionListFilters,
  type PromotionRequest,
} from './promotion-rules';
export type {
  ErrorView,
  ProgressView,
  PromotionPage,
  PromotionRequesterView,
  PromotionSourceView,
  PromotionSummary,
  PromotionTargetStageView,
  PromotionTargetView,
  PromotionView,
} from './promotion-view';
export type { DryRunView, ReferrerPlanView, TargetPlanView } from './plan-view';
export { PromotionsModule, PromotionsWorkerModule } from './promotions.module';
export {
  PromotionIntakeService,
  type PromotionAnswer,
  type PromotionOptions,
} from './promotion-intake.service';
export { PromotionLifecycleService } from './promotion-lifecycle.service';
export { IMAGE_PROMOTIONS_LIMIT, PromotionQueriesService } from './promotion-queries.service';
export { ACTIVE_STATUSES, PROMOTION_STATUSES, type PromotionStatus } from './promotion.repository';
export { ReleaseIntakeService, type ReleaseAnswer } from './releases/release-intake.service';
export { ReleaseLifecycleService } from './releases/release-lifecycle.service';
export { ReleaseQueries } from './releases/release-queries';
export {
  MAX_RELEASE_ITEMS,
  MAX_RELEASE_NAME_LENGTH,
  RELEASE_PAGE_LIMIT,
  type ReleaseRequest,
} from './releases/release-rules';
export type { ReleaseDryRunView, ReleasePage, ReleaseView } from './releases/release-view';
export {
  RELEASE_STATUSES,
  type LandedTag,
  type ReleaseStatus,
} from './releases/release.repository';
export { EndWatch } from './end-watch';
