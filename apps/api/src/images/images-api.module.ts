import { ImagesModule } from '@airlock/images';
import { Module } from '@nestjs/common';
import { ImagesController } from './images.controller';

@Module({ imports: [ImagesModule], controllers: [ImagesController] })
export class ImagesApiModule {}
