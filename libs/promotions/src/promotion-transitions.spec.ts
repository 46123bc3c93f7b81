import type { AuditEntry, AuditRecord } from '@airlock/audit';
import type { AirlockError } from '@airlock/errors';
import type { EventEnvelope, EventType } from '@airlock/events';
import type { ClaimConflict, TagClaim } from '@airlock/images';
import type {
  PromotionRow,
  PromotionStatus,
  PromotionTargetRow,
  TargetOutcome,
  Transaction,
} from '@airlock/persistence';
import {
  PromotionTransitions,
  type AuditTrail,
  type ClaimLedger,
  type EventOutbox,
  type PromotionStore,
} from './promotion-transitions';

const tx = {} as Transaction;
const DIGEST = `sha256:${'a'.repeat(64)}`;
const OTHER = `sha256:${'b'.repeat(64)}`;
const ALICE = { tokenId: 'token-alice', name: 'alice' };
const REGISTRIES: Record<string, string> = { r1: 'prod-eu', r2: 'prod-us' };

/** promotions and promotion_targets as rows in memory, each statement as the repository's. */
class FakePromotions implements PromotionStore {
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

  async setStatus(id: string, outcome: TargetOutcome): Promise<void> {
    Object.assign(this.rows.get(id)!, outcomeFields(outcome));
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
class FakeClaims implements ClaimLedger {
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

class FakeAudit implements AuditTrail {
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

class FakeEvents implements EventOutbox {
  readonly types: EventType[] = [];
  async publish(type: EventType, data: unknown): Promise<EventEnvelope> {
    this.types.push(type);
    return { id: String(this.types.length), type, occurredAt: new Date(0).toISOString(), data };
  }
}

function setup() {
  const store = new FakePromotions();
  const claims = new FakeClaims();
  const audit = new FakeAudit();
  const events = new FakeEvents();
  const transitions = new PromotionTransitions(store, claims, audit, events);
  return { store, claims, audit, events, transitions };
}

async function refusedWith(work: Promise<unknown>): Promise<AirlockError> {
  return work.then(
    () => {
      throw new Error('expected a refusal');
    },
    (error: AirlockError) => error,
  );
}

const copyFailed = { code: 'REGISTRY_UNREACHABLE', message: 'connection refused' };
const destinations = [
  { registryId: 'r1', repository: 'team/app' },
  { registryId: 'r2', repository: 'team/app' },
];

describe('cancel and a copy failure racing for one promotion', () => {
  it('cancel first: the failure that follows leaves the cancellation standing', async () => {
    const { store, claims, audit, events, transitions } = setup();
    store.add('p', 'running', [['r1', 'running']]);
    await transitions.claim('p', DIGEST, destinations.slice(0, 1), ['1.0'], tx);
    const view = await transitions.cancel('p', ALICE, tx);
    await transitions.failTarget('p', 'p-t0', copyFailed, true, tx);
    expect(view.status).toBe('cancelled');
    expect(view.error).toEqual({ code: 'CANCELLED', message: 'Cancelled by alice' });
    expect(store.status('p')).toBe('cancelled');
    expect(store.targetStatuses('p')).toEqual(['cancelled']);
    expect(claims.of('p')).toEqual([]);
    expect(audit.actions()).toEqual(['promotion.cancelled by alice']);
    expect(events.types).toEqual([]);
  });

  it('the final failure first: the promotion failed, and a cancel after it is a CONFLICT', async () => {
    const { store, claims, audit, transitions } = setup();
    store.add('p', 'running', [['r1', 'running']]);
    await transitions.claim('p', DIGEST, destinations.slice(0, 1), ['1.0'], tx);
    await transitions.failTarget('p', 'p-t0', copyFailed, true, tx);
    const refused = await refusedWith(transitions.cancel('p', ALICE, tx));
    expect([refused.code, refused.message]).toEqual([
      'CONFLICT',
      'Promotion p is failed; only a queued or running promotion can be cancelled',
    ]);
    expect(store.status('p')).toBe('failed');
    expect(store.rows.get('p')!.errorCode).toBe('REGISTRY_UNREACHABLE');
    expect(claims.of('p')).toEqual([]);
    expect(audit.actions()).toEqual(['promotion.failed by system:promotion-worker']);
  });

  it('a transient failure first: the target waits to be retried, and the cancel takes it', async () => {
    const { store, transitions } = setup();
    store.add('p', 'running', [['r1', 'running']]);
    await transitions.failTarget('p', 'p-t0', copyFailed, false, tx);
    expect(store.targetStatuses('p')).toEqual(['queued']);
    expect(store.status('p')).toBe('running');
    await transitions.cancel('p', ALICE, tx);
    expect(store.targetStatuses('p')).toEqual(['cancelled']);
    expect(store.status('p')).toBe('cancelled');
  });

  it('one target failed while another still copies: the cancel stops the other one', async () => {
    const { store, audit, transitions } = setup();
    store.add('p', 'running', [
      ['r1', 'running'],
      ['r2', 'running'],
    ]);
    await transitions.failTarget('p', 'p-t0', copyFailed, true, tx);
    expect(store.status('p')).toBe('running');
    await transitions.cancel('p', ALICE, tx);
    expect(store.targetStatuses('p')).toEqual(['failed', 'cancelled']);
    expect(store.status('p')).toBe('cancelled');
    expect(audit.actions()).toEqual(['promotion.cancelled by alice']);
  });

  it('an unknown promotion cannot be cancelled', async () => {
    const refused = await refusedWith(setup().transitions.cancel('nope', ALICE, tx));
    expect(refused.code).toBe('NOT_FOUND');
  });
});

describe('settling a promotion', () => {
  it('succeeded when every target landed: claims released, audited and announced', async () => {
    const { store, claims, audit, events, transitions } = setup();
    store.add('p', 'running', [
      ['r1', 'succeeded'],
      ['r2', 'succeeded'],
    ]);
    await transitions.claim('p', DIGEST, destinations, ['1.0'], tx);
    await transitions.settle('p', tx);
    expect(store.status('p')).toBe('succeeded');
    expect(claims.of('p')).toEqual([]);
    expect(audit.actions()).toEqual(['promotion.succeeded by system:promotion-worker']);
    expect(audit.entries[0]!.before).toMatchObject({ status: 'running' });
    expect(audit.entries[0]!.after).toMatchObject({ status: 'succeeded' });
    expect(events.types).toEqual(['promotion.succeeded']);
  });

  it('failed when one target did not land, with that target’s error', async () => {
    const { store, events, transitions } = setup();
    store.add('p', 'running', [
      ['r1', 'succeeded'],
      ['r2', 'running'],
    ]);
    await transitions.failTarget('p', 'p-t1', copyFailed, true, tx);
    expect(store.status('p')).toBe('failed');
    expect(store.rows.get('p')).toMatchObject({
      errorCode: 'REGISTRY_UNREACHABLE',
      errorMessage: 'prod-us: connection refused',
    });
    expect(events.types).toEqual(['promotion.failed']);
  });

  it('nothing while a target is active, nor once the promotion was cancelled', async () => {
    const { store, audit, events, transitions } = setup();
    store.add('busy', 'running', [
      ['r1', 'succeeded'],
      ['r2', 'queued'],
    ]);
    store.add('gone', 'cancelled', [['r1', 'succeeded']]);
    await transitions.settle('busy', tx);
    await transitions.settle('gone', tx);
    expect([store.status('busy'), store.status('gone')]).toEqual(['running', 'cancelled']);
    expect(audit.entries).toEqual([]);
    expect(events.types).toEqual([]);
  });
});

describe('retrying a promotion', () => {
  it('claims its tags again in every target and queues what did not land under a new run', async () => {
    const { store, claims, audit, transitions } = setup();
    store.add('p', 'failed', [
      ['r1', 'succeeded'],
      ['r2', 'failed'],
    ]);
    const before = await transitions.viewIn('p', tx);
    const after = await transitions.requeue('p', ALICE, before, tx);
    expect(claims.of('p').sort()).toEqual(['r1/team/app:1.0', 'r2/team/app:1.0']);
    expect(after.status).toBe('queued');
    expect(after.targets.map((t) => [t.registry, t.status, t.run])).toEqual([
      ['prod-eu', 'succeeded', 1],
      ['prod-us', 'queued', 2],
    ]);
    expect(audit.entries.map((e) => [e.action, e.before, e.after])).toEqual([
      ['promotion.retried', before, after],
    ]);
  });

  it('TAG_CONFLICT when another promotion put a tag on another digest meanwhile', async () => {
    const { store, claims, transitions } = setup();
    store.add('p', 'cancelled', [['r1', 'cancelled']]);
    await claims.claim('other', OTHER, [{ registryId: 'r1', repository: 'team/app', tag: '1.0' }]);
    const before = await transitions.viewIn('p', tx);
    const refused = await refusedWith(transitions.requeue('p', ALICE, before, tx));
    expect(refused.code).toBe('TAG_CONFLICT');
    expect(refused.details.conflicts).toEqual([
      {
        registry: 'prod-eu',
        repository: 'team/app',
        tag: '1.0',
        digest: OTHER,
        requestedDigest: DIGEST,
        promotionId: 'other',
      },
    ]);
    expect(store.status('p')).toBe('cancelled');
    expect(store.targetStatuses('p')).toEqual(['cancelled']);
  });

  it('CONFLICT when the promotion is no longer failed or cancelled (another retry came first)', async () => {
    const { store, transitions } = setup();
    store.add('p', 'failed', [['r1', 'failed']]);
    const before = await transitions.viewIn('p', tx);
    await transitions.requeue('p', ALICE, before, tx);
    const refused = await refusedWith(transitions.requeue('p', ALICE, before, tx));
    expect([refused.code, refused.message]).toEqual([
      'CONFLICT',
      'Promotion p changed meanwhile; try again',
    ]);
  });

  it('a retried promotion holds its claims until it is cancelled again', async () => {
    const { store, claims, transitions } = setup();
    store.add('p', 'failed', [['r1', 'failed']]);
    await transitions.requeue('p', ALICE, await transitions.viewIn('p', tx), tx);
    const taken = await claims.claim('q', OTHER, [
      { registryId: 'r1', repository: 'team/app', tag: '1.0' },
    ]);
    expect(taken.map((c) => c.promotionId)).toEqual(['p']);
    await transitions.cancel('p', ALICE, tx);
    expect(claims.of('p')).toEqual([]);
    expect(
      await claims.claim('q', OTHER, [{ registryId: 'r1', repository: 'team/app', tag: '1.0' }]),
    ).toEqual([]);
  });
});

function outcomeFields(outcome: TargetOutcome) {
  return {
    status: outcome.status,
    errorCode: outcome.errorCode ?? null,
    errorMessage: outcome.errorMessage ?? null,
  };
}

function promotionRow(id: string, status: PromotionStatus): PromotionRow {
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
    options: {},
    plan: [],
    requestedBy: ALICE.tokenId,
    requestedByName: ALICE.name,
    errorCode: null,
    errorMessage: null,
    createdAt: at,
    startedAt: at,
    finishedAt: null,
    updatedAt: at,
    createdAtKey: '1970-01-01 00:00:00+00',
  };
}

function targetRow(
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
    startedAt: at,
    finishedAt: null,
    updatedAt: at,
  };
}
