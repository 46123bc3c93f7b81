import { Metrics } from '@airlock/observability';
import { Registry } from 'prom-client';
import type { AuditEntry, AuditRecord } from '@airlock/audit';
import type { EventEnvelope, EventType } from '@airlock/events';
import type { ClaimConflict, TagClaim } from '@airlock/images';
import type { Transaction } from '@airlock/persistence';
import type {
  PromotionRow,
  PromotionStatus,
  PromotionTargetRow,
  StatusChange,
  TargetOutcome,
} from '../src/promotion.repository';
import {
  PromotionTransitions,
  type AuditTrail,
  type ClaimLedger,
  type EventOutbox,
  type PromotionStore,
} from '../src/promotion-transitions';

/** Plain in-memory fakes of what PromotionTransitions works on, for its small-tier spec. */

export const tx = {} as Transaction;
export const DIGEST = `sha256:${'a'.repeat(64)}`;
export const OTHER = `sha256:${'b'.repeat(64)}`;
export const ALICE = { tokenId: 'token-alice', name: 'alice' };
export const REGISTRIES: Record<string, string> = { r1: 'prod-eu', r2: 'prod-us' };

/** promotions and promotion_targets as rows in memory, each statement as the repository's. */
export class FakePromotions implements PromotionStore {
  readonly rows = new Map<string, PromotionRow>();
  readonly targets = new Map<string, PromotionTargetRow>();

  add(id: string, status: PromotionStatus, targets: Array<[string, PromotionStatus]>): void {
    this.rows.set(id, promotionRow(id, status));
    targets.forEach(([registryId, targetStatus], i) =>
      this.targets.set(`${id}-t${i}`, targetRow(`${id}-t${i}`, id, registryId, targetStatus)),
    );
  }

  async find(id: string): Promise<PromotionRow | null> {
    const row = this.rows.get(id);
    return row ? { ...row } : null;
  }

  async findTarget(id: string): Promise<PromotionTargetRow | null> {
    const row = this.targets.get(id);
    return row ? { ...row } : null;
  }

  async targetsOf(ids: string[]): Promise<PromotionTargetRow[]> {
    return [...this.targets.values()]
      .filter((t) => ids.includes(t.promotionId))
      .sort((a, b) => a.registry.localeCompare(b.registry))
      .map((t) => ({ ...t }));
  }

  async setStatus(id: string, outcome: TargetOutcome): Promise<StatusChange> {
    const row = Object.assign(this.rows.get(id)!, outcomeFields(outcome), {
      updatedAt: new Date(),
      finishedAt: outcome.status === 'queued' || outcome.status === 'running' ? null : new Date(),
    });
    const { status, errorCode, errorMessage, finishedAt, updatedAt } = row;
    return { status, errorCode, errorMessage, finishedAt, updatedAt };
  }

  async setTargetOutcome(id: string, outcome: TargetOutcome): Promise<void> {
    Object.assign(this.targets.get(id)!, outcomeFields(outcome));
  }

  async cancelTargets(promotionId: string): Promise<void> {
    for (const t of this.targets.values())
      if (t.promotionId === promotionId && (t.status === 'queued' || t.status === 'running'))
        t.status = 'cancelled';
  }

  async requeueUnfinished(promotionId: string): Promise<PromotionTargetRow[]> {
    for (const t of this.targets.values())
      if (t.promotionId === promotionId && (t.status === 'failed' || t.status === 'cancelled'))
        Object.assign(t, { status: 'queued', run: t.run + 1, errorCode: null, errorMessage: null });
    return (await this.targetsOf([promotionId])).filter((t) => t.status === 'queued');
  }

  status(id: string): PromotionStatus | undefined {
    return this.rows.get(id)?.status;
  }

  targetStatuses(id: string): PromotionStatus[] {
    return [...this.targets.values()].filter((t) => t.promotionId === id).map((t) => t.status);
  }
}

/** promotion_tag_claims: a tag is held by one promotion for one digest; the same digest passes on. */
export class FakeClaims implements ClaimLedger {
  readonly held = new Map<string, { promotionId: string; digest: string }>();

  async claim(promotionId: string, digest: string, claims: TagClaim[]): Promise<ClaimConflict[]> {
    const conflicts: ClaimConflict[] = [];
    for (const claim of claims) {
      const key = `${claim.registryId}/${claim.repository}:${claim.tag}`;
      const holder = this.held.get(key);
      if (holder && holder.digest !== digest)
        conflicts.push({ ...claim, registry: REGISTRIES[claim.registryId]!, ...holder });
      else this.held.set(key, { promotionId, digest });
    }
    return conflicts;
  }

  async release(promotionId: string): Promise<void> {
    for (const [key, holder] of this.held)
      if (holder.promotionId === promotionId) this.held.delete(key);
  }

  of(promotionId: string): string[] {
    return [...this.held].filter(([, h]) => h.promotionId === promotionId).map(([key]) => key);
  }
}

export class FakeAudit implements AuditTrail {
  readonly entries: AuditEntry[] = [];
  async record(entry: AuditEntry): Promise<AuditRecord> {
    this.entries.push(entry);
    const { actor, action, subject } = entry;
    return {
      id: String(this.entries.length),
      occurredAt: new Date(0),
      actorTokenId: actor.tokenId,
      actorName: actor.name,
      action,
      subjectType: subject.type,
      subjectId: subject.id ?? null,
      before: null,
      after: null,
      requestId: null,
    };
  }
  actions(): string[] {
    return this.entries.map((e) => `${e.action} by ${e.actor.name}`);
  }
}

export class FakeEvents implements EventOutbox {
  readonly types: EventType[] = [];
  async publish(type: EventType, data: unknown): Promise<EventEnvelope> {
    this.types.push(type);
    return { id: String(this.types.length), type, occurredAt: new Date(0).toISOString(), data };
  }
}

export function setup() {
  const store = new FakePromotions();
  const claims = new FakeClaims();
  const audit = new FakeAudit();
  const events = new FakeEvents();
  const metrics = new Metrics(new Registry());
  const transitions = new PromotionTransitions(store, claims, audit, events, metrics);
  return { store, claims, audit, events, transitions };
}
export function outcomeFields(outcome: TargetOutcome) {
  return {
    status: outcome.status,
    errorCode: outcome.errorCode ?? null,
    errorMessage: outcome.errorMessage ?? null,
  };
}

export function promotionRow(id: string, status: PromotionStatus): PromotionRow {
  const at = new Date(0);
  return {
    id,
    imageId: 'image',
    digest: DIGEST,
    sourceRegistryId: 'ci',
    sourceRegistry: 'ci',
    sourceRepository: 'team/app',
    sourceTag: null,
    sourceStage: 'ci',
    targetStageId: 'stage-prod',
    targetStage: 'prod',
    tags: ['1.0'],
    status,
    evidence: [],
    admittedPolicy: null,
    options: {},
    plan: [],
    requestedBy: ALICE.tokenId,
    requestedByName: ALICE.name,
    releaseId: null,
    errorCode: null,
    errorMessage: null,
    createdAt: at,
    startedAt: at,
    finishedAt: null,
    updatedAt: at,
    createdAtKey: '1970-01-01 00:00:00+00',
  };
}

export function targetRow(
  id: string,
  promotionId: string,
  registryId: string,
  status: PromotionStatus,
): PromotionTargetRow {
  const at = new Date(0);
  return {
    id,
    promotionId,
    registryId,
    registry: REGISTRIES[registryId]!,
    repository: 'team/app',
    status,
    bytesDone: 0,
    bytesTotal: 10,
    blobsDone: 0,
    blobsTotal: 2,
    attempts: 1,
    run: 1,
    result: null,
    errorCode: null,
    errorMessage: null,
    stagedAt: null,
    startedAt: at,
    finishedAt: null,
    updatedAt: at,
  };
}
