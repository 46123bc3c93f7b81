import { PromotionsModule } from '@airlock/promotions';
import { Module } from '@nestjs/common';
import { ReleasesController } from '../releases/releases.controller';
import { PromotionsController } from './promotions.controller';

@Module({ imports: [PromotionsModule], controllers: [PromotionsController, ReleasesController] })
export class PromotionsApiModule {}
