export { PromotionJobs } from './promotion-jobs';
export { PromotionReconciler, type ReconcileReport } from './promotion-reconciler';
export { PromotionRunner, type RunOutcome } from './promotion-runner';
export {
  IDEMPOTENCY_KEY_PATTERN,
  MAX_PROMOTION_TAGS,
  PROMOTION_PAGE_LIMIT,
  type PromotionRequest,
} from './promotion-rules';
export type {
  ErrorView,
  ProgressView,
  PromotionPage,
  PromotionTargetView,
  PromotionView,
} from './promotion-view';
export type { DryRunView, ReferrerPlanView, TargetPlanView } from './plan-view';
export { PromotionsModule, PromotionsWorkerModule } from './promotions.module';
export {
  PromotionsService,
  type PromotionAnswer,
  type PromotionListFilters,
  type PromotionOptions,
} from './promotions.service';
