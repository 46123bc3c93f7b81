import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { IsNull, type DataSource, type Repository } from 'typeorm';
import { ApiToken, type ApiTokenRole } from '../entities/api-token.entity';
import { managerOf, type Transaction } from '../transaction';

export interface NewApiToken {
  name: string;
  role: ApiTokenRole;
  tokenHash: Buffer;
  tokenPrefix: string;
  createdBy: string | null;
}

/** Every query on `api_tokens`. The rules (who may, when) live in @airlock/auth. */
@Injectable()
export class ApiTokenRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  insert(token: NewApiToken, tx?: Transaction): Promise<ApiToken> {
    const repository = this.repository(tx);
    return repository.save(repository.create({ ...token, lastUsedAt: null, revokedAt: null }));
  }

  findByHash(tokenHash: Buffer, tx?: Transaction): Promise<ApiToken | null> {
    return this.repository(tx).findOneBy({ tokenHash });
  }

  findById(id: string, tx?: Transaction): Promise<ApiToken | null> {
    return this.repository(tx).findOneBy({ id });
  }

  /** Oldest first; a handful of rows per install, so no pagination. */
  list(): Promise<ApiToken[]> {
    return this.repository().find({ order: { createdAt: 'ASC', id: 'ASC' } });
  }

  /**
   * The active admin tokens, locked FOR UPDATE until `tx` ends. Two transactions that each revoke
   * an admin take turns here, and the second re-reads the rows after the first commits, so
   * "never revoke the last admin" holds under concurrency.
   */
  lockActiveAdmins(tx: Transaction): Promise<ApiToken[]> {
    return this.repository(tx).find({
      where: { role: 'admin', revokedAt: IsNull() },
      order: { id: 'ASC' },
      lock: { mode: 'pessimistic_write' },
    });
  }

  findActiveByName(name: string, tx?: Transaction): Promise<ApiToken | null> {
    return this.repository(tx).findOneBy({ name, revokedAt: IsNull() });
  }

  /** Sets `revoked_at`; answers the revoked row, or null when it was not active (any more). */
  async markRevoked(id: string, tx: Transaction): Promise<ApiToken | null> {
    const result = await this.repository(tx).update(
      { id, revokedAt: IsNull() },
      { revokedAt: () => 'now()' },
    );
    return result.affected ? this.findById(id, tx) : null;
  }

  /** Records use, at most once a minute per token, so authentication is not a write per request. */
  async touchLastUsed(id: string): Promise<void> {
    await this.repository()
      .createQueryBuilder()
      .update(ApiToken)
      .set({ lastUsedAt: () => 'now()' })
      .where(`id = :id AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute')`, {
        id,
      })
      .execute();
  }

  private repository(tx?: Transaction): Repository<ApiToken> {
    return managerOf(tx, this.dataSource.manager).getRepository(ApiToken);
  }
}
