import { AuditModule } from '@airlock/audit';
import { Module } from '@nestjs/common';
import { AdminBootstrapService } from './admin-bootstrap.service';
import { TokensService } from './tokens.service';

/** API tokens and authentication. Repositories come from the global PersistenceModule. */
@Module({
  imports: [AuditModule],
  providers: [TokensService, AdminBootstrapService],
  exports: [TokensService, AdminBootstrapService],
})
export class AuthModule {}
