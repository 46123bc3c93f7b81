import { columns, Database, sql, type Transaction } from '@airlock/persistence';
import { Injectable } from '@nestjs/common';
import type { Role } from './roles';

/**
 * One `api_tokens` row, as every statement here answers it. The token's sha256 (`token_hash`)
 * is written and looked up by, never read back: nothing after the lookup needs it.
 */
export interface ApiTokenRow {
  id: string;
  name: string;
  role: Role;
  /** `alk_` and 8 characters, to tell tokens apart in lists. */
  tokenPrefix: string;
  /** The token that created it; null for bootstrap-admin (or once its creator is deleted). */
  createdBy: string | null;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

export interface NewApiToken {
  name: string;
  role: Role;
  tokenHash: Buffer;
  tokenPrefix: string;
  createdBy: string | null;
}

const TOKEN = columns<ApiTokenRow>({
  id: 'id',
  name: 'name',
  role: 'role',
  tokenPrefix: 'token_prefix',
  createdBy: 'created_by',
  createdAt: 'created_at',
  lastUsedAt: 'last_used_at',
  revokedAt: 'revoked_at',
});

/** `api_tokens`: the only reader and writer. The rules (who may, when) are TokensService's. */
@Injectable()
export class ApiTokenRepository {
  constructor(private readonly db: Database) {}

  async insert(token: NewApiToken, tx?: Transaction): Promise<ApiTokenRow> {
    return (await this.db.one<ApiTokenRow>(
      sql`INSERT INTO api_tokens (name, role, token_hash, token_prefix, created_by)
          VALUES (${token.name}, ${token.role}, ${token.tokenHash}, ${token.tokenPrefix},
                  ${token.createdBy})
          RETURNING ${TOKEN}`,
      tx,
    ))!;
  }

  /**
   * Every authenticated request's lookup (unless PrincipalCache has it): one prepared statement
   * over the unique index on `token_hash`.
   */
  findByHash(tokenHash: Buffer, tx?: Transaction): Promise<ApiTokenRow | null> {
    return this.db.one<ApiTokenRow>(
      sql`SELECT ${TOKEN} FROM api_tokens WHERE token_hash = ${tokenHash}`,
      tx,
    );
  }

  findById(id: string, tx?: Transaction): Promise<ApiTokenRow | null> {
    return this.db.one<ApiTokenRow>(sql`SELECT ${TOKEN} FROM api_tokens WHERE id = ${id}`, tx);
  }

  /** Oldest first; a handful of rows per install, so no pagination. */
  list(tx?: Transaction): Promise<ApiTokenRow[]> {
    return this.db.rows<ApiTokenRow>(
      sql`SELECT ${TOKEN} FROM api_tokens ORDER BY created_at, id`,
      tx,
    );
  }

  /**
   * The active admin tokens, locked FOR UPDATE until `tx` ends. Two transactions that each revoke
   * an admin take turns here, and the second re-reads the rows after the first commits, so
   * "never revoke the last admin" holds under concurrency.
   */
  lockActiveAdmins(tx: Transaction): Promise<ApiTokenRow[]> {
    return this.db.rows<ApiTokenRow>(
      sql`SELECT ${TOKEN} FROM api_tokens WHERE role = 'admin' AND revoked_at IS NULL
           ORDER BY id FOR UPDATE`,
      tx,
    );
  }

  findActiveByName(name: string, tx?: Transaction): Promise<ApiTokenRow | null> {
    return this.db.one<ApiTokenRow>(
      sql`SELECT ${TOKEN} FROM api_tokens WHERE name = ${name} AND revoked_at IS NULL`,
      tx,
    );
  }

  /** Sets `revoked_at`; answers the revoked row, or null when it was not active (any more). */
  markRevoked(id: string, tx: Transaction): Promise<ApiTokenRow | null> {
    return this.db.one<ApiTokenRow>(
      sql`UPDATE api_tokens SET revoked_at = now() WHERE id = ${id} AND revoked_at IS NULL
          RETURNING ${TOKEN}`,
      tx,
    );
  }

  /** Records use, at most once a minute per token, so authentication is not a write per request. */
  async touchLastUsed(id: string): Promise<void> {
    await this.db.run(
      sql`UPDATE api_tokens SET last_used_at = now()
           WHERE id = ${id} AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute')`,
    );
  }
}
