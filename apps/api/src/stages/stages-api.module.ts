import { StagesModule } from '@airlock/stages';
import { Module } from '@nestjs/common';
import { StagesController } from './stages.controller';

@Module({ imports: [StagesModule], controllers: [StagesController] })
export class StagesApiModule {}
