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
