import { AuditService, type AuditActor } from '@airlock/audit';
import { AirlockError, errorSummary } from '@airlock/errors';
import { EventsService } from '@airlock/events';
import { Metrics } from '@airlock/observability';
import { settleAll } from '@airlock/persistence';
import { Injectable } from '@nestjs/common';
import { IdempotentRequests, type KeyedRequest } from '../idempotent-requests';
import { PromotionAdmission, type Judged } from '../promotion-admission';
import { PromotionJobs } from '../promotion-jobs';
import { ReleaseQueries } from './release-queries';
import { itemRequest, readReleaseRequest, releaseHash, type ReleaseRequest } from './release-rules';
import type { ReleaseDryRunView, ReleaseView } from './release-view';
import { ReleaseRepository } from './release.repository';

export interface ReleaseAnswer {
  status: 200 | 202;
  body: ReleaseView | ReleaseDryRunView;
  replayed: boolean;
}

/**
 * Items judged (and their images looked up) at once: each reads the source and every target, so
 * a judgement is mostly waiting on registries and Postgres, and nothing is copying yet — no item
 * starts before the whole release is judged and stored.
 */
const JUDGED_AT_ONCE = 16;

/**
 * Release requests: every item is judged as its own promotion request would be (resolve, plan,
 * the target stage's policy), all before anything is stored; one item not admitted refuses the
 * whole release (RELEASE_NOT_READY, each refused item with its reasons). Then one transaction
 * stores the release and each item's promotion with its tag claims and targets — a tag claimed
 * by another promotion meanwhile refuses it all — and the copy jobs follow the commit. The items
 * copy in parallel; their tags wait for the release's commit (ReleaseCommitter).
 */
@Injectable()
export class ReleaseIntakeService {
  constructor(
    private readonly releases: ReleaseRepository,
    private readonly queries: ReleaseQueries,
    private readonly idempotency: IdempotentRequests,
    private readonly admission: PromotionAdmission,
    private readonly audit: AuditService,
    private readonly events: EventsService,
    private readonly jobs: PromotionJobs,
    private readonly metrics: Metrics,
  ) {}

  async request(
    input: unknown,
    actor: AuditActor,
    idempotencyKey?: unknown,
  ): Promise<ReleaseAnswer> {
    const read = readReleaseRequest(input, idempotencyKey);
    const { request } = read;
    const keyed = IdempotentRequests.keyed(
      actor,
      read.idempotencyKey,
      releaseHash(request),
      request.dryRun,
    );
    const replay = await this.idempotency.replay(keyed);
    if (replay) return { status: 202, body: replay as ReleaseView, replayed: true };
    const judged = await this.judgeAll(request, actor);
    if (request.dryRun) {
      const items = judged.map((j) => this.admission.dryRun(j));
      return {
        status: 200,
        body: { dryRun: true, ready: items.every((i) => i.ready), items },
        replayed: false,
      };
    }
    this.refuseUnready(request, judged);
    return this.admit(request, judged, actor, keyed);
  }

  /**
   * Each item judged as a promotion request, together (the stages, registries, policy and
   * ledger read once for all; a few items planned at once, each against every target
   * registry); an item that cannot even be resolved names its index.
   */
  private judgeAll(request: ReleaseRequest, actor: AuditActor): Promise<Judged[]> {
    return this.admission.judgeAll(
      request.items.map((item) => itemRequest(request, item)),
      actor,
      { limit: JUDGED_AT_ONCE, named: inItem },
    );
  }

  private refuseUnready(request: ReleaseRequest, judged: Judged[]): void {
    const refused = judged.flatMap((j, index) => {
      const refusal = this.admission.refusalOf(j);
      if (!refusal) return [];
      return [
        {
          index,
          repository: j.request.repository,
          digest: j.resolved.digest,
          code: refusal.code,
          message: refusal.message,
          ...refusal.details,
        },
      ];
    });
    if (refused.length === 0) return;
    this.metrics.promotionRequests.inc(
      { stage: request.target, result: 'refused' },
      refused.length,
    );
    throw new AirlockError(
      'RELEASE_NOT_READY',
      `The policy of stage "${request.target}" does not admit ${refused.length} of the release's ${judged.length} items (${refused
        .map((r) => `items[${r.index}] ${r.repository}: ${r.code}`)
        .join('; ')}); nothing was promoted`,
      { details: { stage: request.target, items: refused } },
    );
  }

  private async admit(
    request: ReleaseRequest,
    judged: Judged[],
    actor: AuditActor,
    keyed: KeyedRequest | undefined,
  ): Promise<ReleaseAnswer> {
    const imageIds = await this.admission.imageIdsOf(judged, actor);
    const { body, replayed } = await this.idempotency.storeOnce(keyed, async (tx) => {
      const id = await this.releases.insert(
        {
          name: request.name ?? null,
          sourceStage: request.source,
          targetStageId: judged[0]!.resolved.targetStageId,
          requestedBy: actor.tokenId,
        },
        tx,
      );
      // Every item's statements issued together: they share the transaction's round trips
      // instead of taking three each, one item after another.
      await storeAll(judged, (j, i) =>
        this.admission.store(j, imageIds[i]!, actor, { id, index: i }, tx),
      );
      // One read of the release gives every item's view for its audit record and event.
      const stored = await this.queries.viewIn(id, tx);
      await settleAll([
        this.admission.announce(stored.items, actor, tx),
        this.audit.record(
          { actor, action: 'release.requested', subject: { type: 'release', id }, after: stored },
          tx,
        ),
        this.events.publish('release.queued', stored, tx),
      ]);
      return stored;
    });
    if (!replayed) {
      this.metrics.promotionRequests.inc(
        { stage: request.target, result: 'accepted' },
        judged.length,
      );
      await this.jobs.enqueueAfterCommit(
        body.items.flatMap((item) => item.targets.map((t) => ({ id: t.id, run: t.run }))),
      );
    }
    return { status: 202, body, replayed };
  }
}

/**
 * Runs `store` for every item at once and, if any failed, throws the failure that caused it
 * (settleAll: not a statement refused only because the transaction had already failed), naming
 * its item.
 */
export async function storeAll<T>(
  judged: readonly T[],
  store: (judged: T, index: number) => Promise<unknown>,
): Promise<void> {
  await settleAll(
    judged.map((j, i) =>
      store(j, i).catch((error: unknown) => {
        throw inItem(error, i);
      }),
    ),
  );
}

/** An item's error says which item: `items[i]` in front of the message, `item` in the details. */
function inItem(error: unknown, index: number): unknown {
  if (!(error instanceof AirlockError)) return error;
  const { message } = errorSummary(error);
  const details: Record<string, unknown> = { ...error.details, item: index };
  if (Array.isArray(details.errors)) {
    details.errors = (details.errors as Array<{ field: string }>).map((e) => ({
      ...e,
      field: `items[${index}].${e.field}`,
    }));
  }
  return new AirlockError(error.code, `items[${index}]: ${message}`, { details });
}
