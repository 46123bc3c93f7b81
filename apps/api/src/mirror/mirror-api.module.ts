import { ImagesModule } from '@airlock/images';
import { MirrorModule } from '@airlock/mirror';
import { Module } from '@nestjs/common';
import { DriftController } from './drift.controller';
import { MirrorRulesController } from './mirror-rules.controller';

@Module({
  imports: [MirrorModule, ImagesModule],
  controllers: [MirrorRulesController, DriftController],
})
export class MirrorApiModule {}
