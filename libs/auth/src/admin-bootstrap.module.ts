import { Module } from '@nestjs/common';
import { AdminTokenBootstrap } from './admin-token-bootstrap';
import { AuthModule } from './auth.module';

/**
 * The startup bootstrap of the first admin token. Imported by processes that serve the API only
 * (the worker has no use for tokens and must not print one).
 */
@Module({ imports: [AuthModule], providers: [AdminTokenBootstrap] })
export class AdminBootstrapModule {}
