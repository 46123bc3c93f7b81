import { Injectable } from '@nestjs/common';
import { Database, columns, json, sql, type Transaction } from '@airlock/persistence';

/** A stored answer to a request made with an `Idempotency-Key`. */
export interface StoredResponse {
  requestHash: string;
  status: number;
  body: unknown;
}

const STORED = columns<StoredResponse>({
  requestHash: 'request_hash',
  status: 'response_status',
  body: 'response_body',
});

/** `idempotency_keys`: one answer per (principal, key). */
@Injectable()
export class IdempotencyKeyRepository {
  constructor(private readonly db: Database) {}

  find(principalId: string, key: string, tx?: Transaction): Promise<StoredResponse | null> {
    return this.db.one<StoredResponse>(
      sql`SELECT ${STORED} FROM idempotency_keys WHERE principal_id = ${principalId} AND key = ${key}`,
      tx,
    );
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
    const stored = await this.db.run(
      sql`INSERT INTO idempotency_keys (principal_id, key, request_hash, response_status, response_body)
          VALUES (${principalId}, ${key}, ${response.requestHash}, ${response.status}, ${json(response.body)})
          ON CONFLICT (principal_id, key) DO NOTHING`,
      tx,
    );
    return stored > 0;
  }

  /** Fills in the answer of a key stored as pending earlier in the same transaction. */
  async complete(principalId: string, key: string, body: unknown, tx: Transaction): Promise<void> {
    await this.db.run(
      sql`UPDATE idempotency_keys SET response_body = ${json(body)}
           WHERE principal_id = ${principalId} AND key = ${key}`,
      tx,
    );
  }
}
