import { Module, ValidationPipe } from '@nestjs/common';
import { APP_FILTER, APP_PIPE } from '@nestjs/core';
import { HealthModule } from './health/health.module';
import { ProblemDetailsFilter } from './http/problem-details.filter';
import { createValidationPipe } from './http/validation';

/** The HTTP API: controllers and their edge concerns. Infrastructure comes from the entry point. */
@Module({
  imports: [HealthModule],
  providers: [
    { provide: APP_FILTER, useClass: ProblemDetailsFilter },
    { provide: APP_PIPE, useFactory: (): ValidationPipe => createValidationPipe() },
  ],
})
export class ApiModule {}
