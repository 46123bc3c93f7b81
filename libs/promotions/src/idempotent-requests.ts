import type { AuditActor } from '@airlock/audit';
import { AirlockError } from '@airlock/errors';
import { TransactionRunner, type Transaction } from '@airlock/persistence';
import { Injectable } from '@nestjs/common';
import { IdempotencyKeyRepository } from './idempotency-key.repository';

/** A request stored under an Idempotency-Key: whose key, the key, and the request's fingerprint. */
export interface KeyedRequest {
  principalId: string;
  key: string;
  hash: string;
}

/** Thrown inside the request transaction when a concurrent request stored the same key first. */
class KeyTakenMeanwhile extends Error {}

/**
 * Idempotency-Key for the requests that store something (a promotion, a release): the same key
 * and body answer the first answer again, the same key with another body is refused, and the
 * key is stored in the transaction that stores the request — so two requests racing with one
 * key store one thing, and the loser answers the winner's answer.
 */
@Injectable()
export class IdempotentRequests {
  constructor(
    private readonly keys: IdempotencyKeyRepository,
    private readonly transactions: TransactionRunner,
  ) {}

  /** The key a request is stored under; none for a dry run (it stores nothing) or no token. */
  static keyed(
    actor: AuditActor,
    key: string | undefined,
    hash: string,
    dryRun: boolean | undefined,
  ): KeyedRequest | undefined {
    if (dryRun || !actor.tokenId || !key) return undefined;
    return { principalId: actor.tokenId, key, hash };
  }

  /**
   * The stored answer to an earlier request with the same key, or null when there was none;
   * IDEMPOTENCY_KEY_REUSED when that request was a different one.
   */
  async replay(keyed: KeyedRequest | undefined): Promise<unknown> {
    if (!keyed) return null;
    const stored = await this.keys.find(keyed.principalId, keyed.key);
    if (!stored) return null;
    if (stored.requestHash !== keyed.hash) {
      throw new AirlockError(
        'IDEMPOTENCY_KEY_REUSED',
        'This Idempotency-Key was already used for a different request; use a new key for a new request',
        { details: { idempotencyKey: keyed.key } },
      );
    }
    return stored.body;
  }

  /**
   * Runs `write` in one transaction with the key taken first and its answer stored last. When a
   * concurrent request took the key meanwhile, nothing is written and that request's answer is
   * replayed (`replayed: true`).
   */
  async storeOnce<T>(
    keyed: KeyedRequest | undefined,
    write: (tx: Transaction) => Promise<T>,
  ): Promise<{ body: T; replayed: boolean }> {
    try {
      const body = await this.transactions.run(async (tx) => {
        if (keyed) {
          const pending = { requestHash: keyed.hash, status: 202, body: null };
          if (!(await this.keys.store(keyed.principalId, keyed.key, pending, tx)))
            throw new KeyTakenMeanwhile();
        }
        const written = await write(tx);
        if (keyed) await this.keys.complete(keyed.principalId, keyed.key, written, tx);
        return written;
      });
      return { body, replayed: false };
    } catch (error) {
      if (!(error instanceof KeyTakenMeanwhile)) throw error;
      return { body: (await this.replay(keyed)) as T, replayed: true };
    }
  }
}
