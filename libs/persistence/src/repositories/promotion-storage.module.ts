import { Global, Module } from '@nestjs/common';
import { IdempotencyKeyRepository } from './idempotency-key.repository';
import { PromotionRepository } from './promotion.repository';

/**
 * The promotion tables' repositories, for @airlock/promotions (and the image view's promotion
 * list) until they move into that lib and its module provides them. Global for that interim
 * only, because the promotions modules take them from the container without importing a module.
 */
@Global()
@Module({
  providers: [PromotionRepository, IdempotencyKeyRepository],
  exports: [PromotionRepository, IdempotencyKeyRepository],
})
export class PromotionStorageModule {}
