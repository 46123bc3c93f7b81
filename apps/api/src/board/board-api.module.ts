import { ImagesModule } from '@airlock/images';
import { PoliciesModule } from '@airlock/policies';
import { StagesModule } from '@airlock/stages';
import { Module } from '@nestjs/common';
import { BoardComposer } from './board.composer';
import { BoardController } from './board.controller';

@Module({
  imports: [StagesModule, ImagesModule, PoliciesModule],
  providers: [BoardComposer],
  controllers: [BoardController],
})
export class BoardApiModule {}
