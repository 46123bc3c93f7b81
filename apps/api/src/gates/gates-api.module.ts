import { GatesModule } from '@airlock/gates';
import { Module } from '@nestjs/common';
import { GatesController } from './gates.controller';

@Module({ imports: [GatesModule], controllers: [GatesController] })
export class GatesApiModule {}
