import { PromotionQueriesService, PromotionsModule } from '@airlock/promotions';
import { Module } from '@nestjs/common';
import { ReleasesController } from '../releases/releases.controller';
import { PromotionWatch, WATCH_READER } from './promotion-watch';
import { PromotionsController } from './promotions.controller';

@Module({
  imports: [PromotionsModule],
  providers: [{ provide: WATCH_READER, useExisting: PromotionQueriesService }, PromotionWatch],
  controllers: [PromotionsController, ReleasesController],
})
export class PromotionsApiModule {}
