import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { managerOf, type Transaction } from '../transaction';

/** A stored answer to a request made with an `Idempotency-Key`. */
export interface StoredResponse {
  requestHash: string;
  status: number;
  body: unknown;
}

/** `idempotency_keys`: one answer per (principal, key). */
@Injectable()
export class IdempotencyKeyRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async find(principalId: string, key: string, tx?: Transaction): Promise<StoredResponse | null> {
    const rows: StoredResponse[] = await managerOf(tx, this.dataSource.manager).query(
      `SELECT request_hash AS "requestHash", response_status AS status, response_body AS body
         FROM idempotency_keys WHERE principal_id = $1 AND key = $2`,
      [principalId, key],
    );
    return rows[0] ?? null;
  }

  /**
   * Stores the answer unless the key already has one. A concurrent insert of the same key waits
   * for the other transaction, then reports `false`: the caller re-reads and replays that answer.
   */
  async store(
    principalId: string,
    key: string,
    response: StoredResponse,
    tx: Transaction,
  ): Promise<boolean> {
    const rows: unknown[] = await managerOf(tx, this.dataSource.manager).query(
      `INSERT INTO idempotency_keys (principal_id, key, request_hash, response_status, response_body)
       VALUES ($1, $2, $3, $4, $5::jsonb)
       ON CONFLICT (principal_id, key) DO NOTHING RETURNING key`,
      [principalId, key, response.requestHash, response.status, JSON.stringify(response.body)],
    );
    return rows.length > 0;
  }

  /** Fills in the answer of a key stored as pending earlier in the same transaction. */
  async complete(principalId: string, key: string, body: unknown, tx: Transaction): Promise<void> {
    await managerOf(tx, this.dataSource.manager).query(
      `UPDATE idempotency_keys SET response_body = $3::jsonb WHERE principal_id = $1 AND key = $2`,
      [principalId, key, JSON.stringify(body)],
    );
  }
}
