import { AppConfig } from '@airlock/config';
import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { AdminBootstrapService, type BootstrapOutcome } from './admin-bootstrap.service';
import { bootstrapBanner } from './bootstrap-banner';

/** Runs the admin bootstrap while the API process starts, before it listens. */
@Injectable()
export class AdminTokenBootstrap implements OnApplicationBootstrap {
  private readonly logger = new Logger('Auth');

  constructor(
    private readonly config: AppConfig,
    private readonly bootstrap: AdminBootstrapService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.report(await this.bootstrap.ensureAdmin(this.config.adminToken));
  }

  private report(outcome: BootstrapOutcome): void {
    switch (outcome.kind) {
      case 'generated':
        // Printed only after the transaction committed: never a token that does not exist.
        process.stdout.write(bootstrapBanner(outcome.token) + '\n');
        this.logger.log(
          `no active admin token: generated "bootstrap-admin" (${outcome.tokenId}), printed above once`,
        );
        return;
      case 'registered':
        this.logger.log(
          outcome.rotated
            ? `AIRLOCK_ADMIN_TOKEN changed: registered it as "bootstrap-admin" (${outcome.tokenId}) and revoked the previous one`
            : `registered AIRLOCK_ADMIN_TOKEN as "bootstrap-admin" (${outcome.tokenId})`,
        );
        return;
      case 'refused':
        this.logger.warn(
          outcome.reason === 'revoked'
            ? `AIRLOCK_ADMIN_TOKEN names token ${outcome.tokenId}, which was revoked; it stays revoked (set a new token or unset the variable)`
            : `AIRLOCK_ADMIN_TOKEN names token ${outcome.tokenId}, which is not an admin token; it is left as it is`,
        );
        return;
      case 'unchanged':
        return;
    }
  }
}
