import { AuditModule } from '@airlock/audit';
import { Module } from '@nestjs/common';
import { AdminBootstrapService } from './admin-bootstrap.service';
import { ApiTokenRepository } from './api-token.repository';
import { TokensService } from './tokens.service';

/** API tokens and authentication: their rows stay inside; other parts ask TokensService. */
@Module({
  imports: [AuditModule],
  providers: [ApiTokenRepository, TokensService, AdminBootstrapService],
  exports: [TokensService, AdminBootstrapService],
})
export class AuthModule {}
