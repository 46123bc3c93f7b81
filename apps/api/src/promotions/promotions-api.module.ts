import { PromotionsModule } from '@airlock/promotions';
import { Module } from '@nestjs/common';
import { PromotionsController } from './promotions.controller';

@Module({ imports: [PromotionsModule], controllers: [PromotionsController] })
export class PromotionsApiModule {}
