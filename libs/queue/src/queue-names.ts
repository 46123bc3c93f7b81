/** Every BullMQ queue Airlock uses (ARCHITECTURE.md, "Queues"). */
export const QUEUE_NAMES = ['promotion', 'release', 'mirror', 'webhook', 'integrity'] as const;
export type QueueName = (typeof QUEUE_NAMES)[number];

/**
 * Job payloads carry ids only: Postgres holds the truth, and a payload never carries a secret.
 * The processor reads the id and asks a service to do the work.
 */
export interface JobPayloads {
  /** Copy one digest to one target registry of a promotion. */
  promotion: { promotionTargetId: string };
  /** Write the tags of a release whose every item is staged: the release's commit point. */
  release: { releaseId: string };
  /** Sync one mirror rule. */
  mirror: { mirrorRuleId: string; trigger?: 'manual' };
  /** Deliver one event to one webhook subscription. */
  webhook: { deliveryId: string };
  /** Audit one registry against the ledger: a scheduler tick, or a run queued by hand (`runId`). */
  integrity: { registryId: string; runId?: string };
}

/** Deterministic job ids make enqueueing idempotent: BullMQ ignores a second add with the same id. */
export function jobId<N extends QueueName>(queue: N, subjectId: string): string {
  // BullMQ refuses ':' in custom ids (it is its key separator).
  return `${queue}-${subjectId.replace(/:/g, '_')}`;
}
