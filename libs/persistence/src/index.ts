export { DatabaseHealth } from './database-health';
export { isDatabaseUnavailable } from './database-unavailable';
export { dropDatabase, ensureDatabase } from './ensure-database';
export { migrateDatabase, type MigrationReport } from './migrator';
export { PersistenceModule } from './persistence.module';
export { createPool, DATABASE_POOL } from './pool';
export { Transaction, type AfterCommit } from './transaction';
export { TransactionRunner } from './transaction-runner';
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
export { PromotionStorageModule } from './repositories/promotion-storage.module';
export { Database } from './sql/database';
export { QueryError } from './sql/query-error';
export { columns, join, json, raw, sql, Sql } from './sql/sql';
