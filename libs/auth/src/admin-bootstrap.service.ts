import { AuditService, systemActor } from '@airlock/audit';
import { TransactionRunner, type Transaction } from '@airlock/persistence';
import { Injectable } from '@nestjs/common';
import { ApiTokenRepository } from './api-token.repository';
import { hashToken } from './token-format';
import { BOOTSTRAP_TOKEN_NAME } from './token-rules';
import { toSummary } from './token-view';
import { TokensService } from './tokens.service';

export type BootstrapOutcome =
  /** No admin token was active: one was generated; `token` must be shown once, then forgotten. */
  | { kind: 'generated'; token: string; tokenId: string }
  /** AIRLOCK_ADMIN_TOKEN was registered; `rotated` when it replaced an earlier bootstrap-admin. */
  | { kind: 'registered'; tokenId: string; rotated: boolean }
  /** Nothing to do. */
  | { kind: 'unchanged' }
  /** AIRLOCK_ADMIN_TOKEN names a token that was revoked (it stays revoked) or is not an admin. */
  | { kind: 'refused'; reason: 'revoked' | 'notAdmin'; tokenId: string };

const ACTOR = systemActor('bootstrap');

/**
 * Makes sure somebody can administer Airlock. Every API process runs this at startup; the
 * advisory lock makes processes that start together take turns, so exactly one of them creates
 * the token (and the unique index uq_api_tokens_active_bootstrap backs that up).
 */
@Injectable()
export class AdminBootstrapService {
  constructor(
    private readonly tokens: ApiTokenRepository,
    private readonly tokensService: TokensService,
    private readonly transactions: TransactionRunner,
    private readonly audit: AuditService,
  ) {}

  ensureAdmin(configuredToken: string | undefined): Promise<BootstrapOutcome> {
    return this.transactions.runExclusive('bootstrap-admin', (tx) =>
      configuredToken === undefined
        ? this.generateIfNoAdmin(tx)
        : this.register(configuredToken, tx),
    );
  }

  private async generateIfNoAdmin(tx: Transaction): Promise<BootstrapOutcome> {
    const admins = await this.tokens.lockActiveAdmins(tx);
    if (admins.length > 0) return { kind: 'unchanged' };
    const created = await this.tokensService.insert(
      { name: BOOTSTRAP_TOKEN_NAME, role: 'admin' },
      ACTOR,
      tx,
    );
    return { kind: 'generated', token: created.token, tokenId: created.summary.id };
  }

  /**
   * AIRLOCK_ADMIN_TOKEN is the bootstrap admin: changing the variable rotates it (the previous
   * bootstrap-admin is revoked). A revoked token is never brought back by a restart.
   */
  private async register(token: string, tx: Transaction): Promise<BootstrapOutcome> {
    const existing = await this.tokens.findByHash(hashToken(token), tx);
    if (existing?.revokedAt) return { kind: 'refused', reason: 'revoked', tokenId: existing.id };
    if (existing && existing.role !== 'admin')
      return { kind: 'refused', reason: 'notAdmin', tokenId: existing.id };
    if (existing) return { kind: 'unchanged' };
    const previous = await this.tokens.findActiveByName(BOOTSTRAP_TOKEN_NAME, tx);
    // Revoked directly, not through TokensService.revoke: it may be the last admin, and its
    // successor is inserted in this same transaction.
    const revoked = previous && (await this.tokens.markRevoked(previous.id, tx));
    if (previous && revoked) {
      await this.audit.record(
        {
          actor: ACTOR,
          action: 'token.revoked',
          subject: { type: 'api_token', id: previous.id },
          before: toSummary(previous),
          after: toSummary(revoked),
        },
        tx,
      );
    }
    const created = await this.tokensService.insert(
      { name: BOOTSTRAP_TOKEN_NAME, role: 'admin' },
      ACTOR,
      tx,
      token,
    );
    return { kind: 'registered', tokenId: created.summary.id, rotated: previous !== null };
  }
}
