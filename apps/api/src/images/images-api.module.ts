import { ImagesModule } from '@airlock/images';
import { PromotionsModule } from '@airlock/promotions';
import { Module } from '@nestjs/common';
import { ImageLookupComposer } from './image-lookup.composer';
import { ImagesController } from './images.controller';

@Module({
  imports: [ImagesModule, PromotionsModule],
  providers: [ImageLookupComposer],
  controllers: [ImagesController],
})
export class ImagesApiModule {}
