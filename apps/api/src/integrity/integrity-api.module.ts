import { IntegrityModule } from '@airlock/integrity';
import { Module } from '@nestjs/common';
import { IntegrityController } from './integrity.controller';

@Module({
  imports: [IntegrityModule],
  controllers: [IntegrityController],
})
export class IntegrityApiModule {}
