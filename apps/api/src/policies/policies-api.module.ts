import { PoliciesModule } from '@airlock/policies';
import { Module } from '@nestjs/common';
import { PoliciesController } from './policies.controller';
import { ReadinessController } from './readiness.controller';

@Module({ imports: [PoliciesModule], controllers: [PoliciesController, ReadinessController] })
export class PoliciesApiModule {}
