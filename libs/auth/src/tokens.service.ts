import { AuditService, type AuditActor } from '@airlock/audit';
import { AirlockError } from '@airlock/errors';
import { TransactionRunner, type Transaction } from '@airlock/persistence';
import { Injectable } from '@nestjs/common';
import { ApiTokenRepository, type ApiTokenRow } from './api-token.repository';
import { unauthenticated } from './auth-errors';
import type { Principal } from './principal';
import { PrincipalCache } from './principal-cache';
import { displayPrefix, generateToken, hashToken, looksLikeToken } from './token-format';
import { checkTokenId, readNewToken, type NewTokenRequest } from './token-rules';
import { toSummary, type CreatedToken, type TokenSummary } from './token-view';

const LAST_USED_RESOLUTION_MS = 60_000;

/**
 * API tokens: creation (shown once), listing, revocation, and authentication of a bearer token.
 * Takes requests as they came (the one owner of their validation).
 */
@Injectable()
export class TokensService {
  /** Every request authenticates: see PrincipalCache for what reusing a lookup for seconds means. */
  private readonly principals = new PrincipalCache();

  constructor(
    private readonly tokens: ApiTokenRepository,
    private readonly transactions: TransactionRunner,
    private readonly audit: AuditService,
  ) {}

  /** A `POST /tokens` body as it came: `{name, role}`. */
  async create(input: unknown, actor: AuditActor): Promise<CreatedToken> {
    const request = readNewToken(input);
    return this.transactions.run((tx) => this.insert(request, actor, tx));
  }

  /** Inserts and audits a token inside `tx`, unchecked: for create and the admin bootstrap. */
  async insert(
    request: NewTokenRequest,
    actor: AuditActor,
    tx: Transaction,
    token = generateToken(),
  ): Promise<CreatedToken> {
    const row = await this.tokens.insert(
      {
        name: request.name,
        role: request.role,
        tokenHash: hashToken(token),
        tokenPrefix: displayPrefix(token),
        createdBy: actor.tokenId,
      },
      tx,
    );
    const summary = toSummary(row);
    await this.audit.record(
      {
        actor,
        action: 'token.created',
        subject: { type: 'api_token', id: row.id },
        after: summary,
      },
      tx,
    );
    return { summary, token };
  }

  async list(): Promise<TokenSummary[]> {
    return (await this.tokens.list()).map(toSummary);
  }

  /**
   * Revokes a token; revoking an already revoked one changes nothing. Revoking yourself is fine;
   * revoking the last active admin is refused, or nobody could manage tokens any more.
   */
  async revoke(tokenId: unknown, actor: AuditActor): Promise<TokenSummary> {
    const id = checkTokenId(tokenId);
    const summary = await this.transactions.run((tx) => this.revokeIn(id, actor, tx));
    // Again after the commit: a request may have cached the token while the revocation ran.
    this.principals.forgetToken(id);
    return summary;
  }

  private async revokeIn(id: string, actor: AuditActor, tx: Transaction): Promise<TokenSummary> {
    const token = await this.tokens.findById(id, tx);
    if (!token)
      throw new AirlockError('NOT_FOUND', `No API token with id ${id}`, { details: { id } });
    if (token.revokedAt) return toSummary(token);
    if (token.role === 'admin') await this.refuseLastAdmin(token, tx);
    const revoked = await this.tokens.markRevoked(id, tx);
    this.principals.forgetToken(id);
    if (!revoked) return toSummary(token);
    await this.audit.record(
      {
        actor,
        action: 'token.revoked',
        subject: { type: 'api_token', id },
        before: toSummary(token),
        after: toSummary(revoked),
      },
      tx,
    );
    return toSummary(revoked);
  }

  /**
   * The principal a bearer token stands for, or UNAUTHENTICATED saying why not. A token seen
   * valid in the last PRINCIPAL_CACHE_TTL_MS is not looked up again (revocation in this process
   * takes effect at once, in other processes within that TTL).
   */
  async authenticate(token: string): Promise<Principal> {
    if (!looksLikeToken(token)) {
      throw unauthenticated(
        'malformedToken',
        'The bearer token is not an Airlock API token (alk_…)',
      );
    }
    const tokenHash = hashToken(token);
    const key = tokenHash.toString('base64');
    const cached = this.principals.get(key);
    if (cached) return cached;
    const generation = this.principals.generation;
    const principal = await this.lookUp(tokenHash);
    this.principals.set(key, principal, generation);
    return principal;
  }

  private async lookUp(tokenHash: Buffer): Promise<Principal> {
    const row = await this.tokens.findByHash(tokenHash);
    if (!row)
      throw unauthenticated('unknownToken', 'The bearer token is not known to this Airlock');
    if (row.revokedAt) {
      throw unauthenticated(
        'revokedToken',
        `The bearer token (${row.tokenPrefix}…) was revoked at ${row.revokedAt.toISOString()}`,
      );
    }
    if (!row.lastUsedAt || Date.now() - row.lastUsedAt.getTime() >= LAST_USED_RESOLUTION_MS) {
      await this.tokens.touchLastUsed(row.id);
    }
    return { tokenId: row.id, name: row.name, role: row.role };
  }

  private async refuseLastAdmin(token: ApiTokenRow, tx: Transaction): Promise<void> {
    // Locks every active admin row: concurrent revocations of the last two admins take turns.
    const admins = await this.tokens.lockActiveAdmins(tx);
    if (!admins.some((admin) => admin.id !== token.id)) {
      throw new AirlockError(
        'CONFLICT',
        `Token "${token.name}" is the last active admin token; create another admin token before revoking it`,
        { details: { id: token.id } },
      );
    }
  }
}
