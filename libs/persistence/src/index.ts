export { dataSourceOptions } from './data-source-options';
export { DatabaseHealth } from './database-health';
export { isDatabaseUnavailable } from './database-unavailable';
export { dropDatabase, ensureDatabase } from './ensure-database';
export { AuditEvent } from './entities/audit-event.entity';
export { migrateDatabase, type MigrationReport } from './migrator';
export { PersistenceModule } from './persistence.module';
export {
  AuditEventRepository,
  type AuditEventQuery,
  type NewAuditEvent,
} from './repositories/audit-event.repository';
export { Transaction } from './transaction';
export { TransactionRunner } from './transaction-runner';
export { GATE_STATUSES, GateResult, type GateStatus } from './entities/gate-result.entity';
export { Policy } from './entities/policy.entity';
export {
  GateResultRepository,
  type ApproverRow,
  type GateHistoryQuery,
  type NewGateResult,
  type RecordedEffects,
} from './repositories/gate-result.repository';
export { PolicyRepository, type PolicyRules } from './repositories/policy.repository';
export {
  DigestPrincipalsLookup,
  type DigestPrincipals,
} from './repositories/digest-principals-lookup';
export { constraintViolationOf, type ConstraintViolation } from './constraint-violation';
export {
  ACTIVE_STATUSES,
  PROMOTION_STATUSES,
  PromotionRepository,
  type NewPromotion,
  type PromotionListQuery,
  type PromotionRow,
  type PromotionStatus,
  type PromotionTargetRow,
  type TargetOutcome,
  type TargetProgress,
} from './repositories/promotion.repository';
export {
  IdempotencyKeyRepository,
  type StoredResponse,
} from './repositories/idempotency-key.repository';
export { WebhookAfterCommit } from './repositories/webhook-after-commit';
export {
  WEBHOOK_DELIVERY_STATUSES,
  WebhookDeliveryRepository,
  type NewWebhookDelivery,
  type NewWebhookEvent,
  type WebhookAttempt,
  type WebhookDeliveryQuery,
  type WebhookDeliveryRow,
  type WebhookDeliveryStatus,
  type WebhookDeliveryTarget,
} from './repositories/webhook-delivery.repository';
export {
  WebhookSubscriptionRepository,
  type NewWebhookSubscription,
  type WebhookSubscriptionChanges,
  type WebhookSubscriptionRow,
} from './repositories/webhook-subscription.repository';
export {
  MIRROR_RUN_STATUSES,
  MirrorRepository,
  type ArchivedDigestRow,
  type MirrorRuleChanges,
  type MirrorRuleRow,
  type MirrorRunOutcome,
  type MirrorRunRow,
  type MirrorRunStatus,
  type MirrorTagResult,
  type MirrorTrigger,
  type NewMirrorRule,
} from './repositories/mirror.repository';
export { Database } from './sql/database';
export { QueryError } from './sql/query-error';
export { columns, join, json, raw, sql, Sql } from './sql/sql';
