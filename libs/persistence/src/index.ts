export { dataSourceOptions } from './data-source-options';
export { DatabaseHealth } from './database-health';
export { isDatabaseUnavailable } from './database-unavailable';
export { dropDatabase, ensureDatabase } from './ensure-database';
export { API_TOKEN_ROLES, ApiToken, type ApiTokenRole } from './entities/api-token.entity';
export { migrateDatabase, type MigrationReport } from './migrator';
export { PersistenceModule } from './persistence.module';
export { ApiTokenRepository, type NewApiToken } from './repositories/api-token.repository';
export { Transaction } from './transaction';
export { TransactionRunner } from './transaction-runner';
export { REGISTRY_ROLES, Registry, type RegistryRole } from './entities/registry.entity';
export {
  RegistryRepository,
  type NewRegistry,
  type RegistryChanges,
} from './repositories/registry.repository';
export { constraintViolationOf, type ConstraintViolation } from './constraint-violation';
export {
  ImageRepository,
  type ImageListQuery,
  type ImageLocationRow,
  type ImageRow,
  type NewImage,
  type RegistryTagRow,
  type TagMove,
} from './repositories/image.repository';
export {
  ACTIVE_STATUSES,
  PROMOTION_STATUSES,
  PromotionRepository,
  type ClaimConflict,
  type NewPromotion,
  type PromotionListQuery,
  type PromotionRow,
  type PromotionStatus,
  type PromotionTargetRow,
  type TagClaim,
  type TargetOutcome,
  type TargetProgress,
} from './repositories/promotion.repository';
export {
  IdempotencyKeyRepository,
  type StoredResponse,
} from './repositories/idempotency-key.repository';
export { WebhookAfterCommit } from './repositories/webhook-after-commit';
export {
  DriftRepository,
  type BaseRefRow,
  type CurrentTagRow,
  type DependentRow,
} from './repositories/drift.repository';
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
