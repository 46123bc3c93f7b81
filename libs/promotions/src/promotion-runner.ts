import { PromotionAttestations, type PromotionFacts } from '@airlock/attestations';
import { CopyEngine, type CopyResult } from '@airlock/copy';
import { errorSummary, type AirlockError } from '@airlock/errors';
import { TransactionRunner } from '@airlock/persistence';
import {
  PromotionRepository,
  type PromotionRow,
  type PromotionTargetRow,
} from './promotion.repository';
import { Metrics, withLogContext } from '@airlock/observability';
import { isPermanentFailure } from '@airlock/queue';
import { RegistriesService, RegistryClientFactory, type Registry } from '@airlock/registries';
import { Injectable, Logger } from '@nestjs/common';
import type { PromotionOptions } from './promotion-intake.service';
import { isActive } from './promotion-state';
import { PromotionTransitions } from './promotion-transitions';
import { ProgressWriter } from './progress-writer';
import { PromotionLanding } from './promotion-landing';
import { PromotionJobs } from './promotion-jobs';
import { ReleaseJobs } from './releases/release-jobs';
import { ReleaseSettlement } from './releases/release-settlement';
import type { TargetPlanView } from './plan-view';

/**
 * A request's plan younger than this, on the target's first attempt, is fresh enough that what
 * it found is not asked again before the copy: a root it found missing (CopyOptions.rootAbsent)
 * and tags it found free (CopyOptions.tagsFree) — a HEAD less per copy for each.
 */
const FRESH_PLAN_MS = 60_000;

export interface RunContext {
  /** No attempt follows this one: a failure now is final even if trying again could help. */
  finalAttempt: boolean;
}

export type RunOutcome = 'succeeded' | 'skipped' | 'cancelled';

/**
 * Runs the copy of one promotion target: marks it running, copies through the engine (progress
 * to Postgres about once a second), then in one transaction records the landing — the target's
 * result, the image's new location and tags — and settles the promotion when every target is
 * done. A transient failure puts the target back to queued and rethrows (the queue retries with
 * backoff); a permanent one, or the last attempt, fails it with its code.
 */
@Injectable()
export class PromotionRunner {
  private readonly logger = new Logger(PromotionRunner.name);

  constructor(
    private readonly promotions: PromotionRepository,
    private readonly registries: RegistriesService,
    private readonly clients: RegistryClientFactory,
    private readonly transactions: TransactionRunner,
    private readonly transitions: PromotionTransitions,
    private readonly landing: PromotionLanding,
    private readonly engine: CopyEngine,
    private readonly metrics: Metrics,
    private readonly release: ReleaseSettlement,
    private readonly releaseJobs: ReleaseJobs,
    private readonly jobs: PromotionJobs,
    private readonly attestations: PromotionAttestations,
  ) {}

  async run(targetId: string, context: RunContext): Promise<RunOutcome> {
    // One write to Postgres: start the target, and read it and its promotion back.
    const started = await this.transactions.runAsOneWrite(undefined, (tx) =>
      this.promotions.startTarget(targetId, tx),
    );
    if (!started) return 'skipped';
    const { target, promotion } = started;
    return withLogContext({ promotionId: promotion.id, targetRegistry: target.registry }, () =>
      this.runStarted(promotion, target, context),
    );
  }

  private async runStarted(
    promotion: PromotionRow,
    target: PromotionTargetRow,
    context: RunContext,
  ): Promise<RunOutcome> {
    const cancel = new AbortController();
    const progress = new ProgressWriter(this.promotions, target.id, cancel);
    const started = Date.now();
    try {
      const [source, destination] = await this.registries.requireMany([
        promotion.sourceRegistry,
        target.registry,
      ]);
      const result = await this.copy(
        promotion,
        { source, destination, target },
        progress,
        cancel.signal,
      );
      // No last progress write: landing and staging record the target's progress complete.
      if (promotion.releaseId) await this.stage(promotion.releaseId, target, result);
      else await this.land(promotion, target, destination, result);
      recordCopy(this.metrics, target.registry, result);
      this.logger.log(
        `promotion ${promotion.id}: ${promotion.digest} landed in ${target.registry}/${target.repository} ` +
          `(${result.blobs.copied} copied, ${result.blobs.mounted} mounted, ${result.blobs.skipped} skipped, ${result.durationMs} ms)`,
      );
      return 'succeeded';
    } catch (error) {
      if (cancel.signal.aborted) {
        this.logger.log(
          `promotion ${promotion.id}: copy to ${target.registry} stopped (cancelled)`,
        );
        return 'cancelled';
      }
      this.metrics.copyDuration.observe(
        { registry: target.registry, outcome: 'failed' },
        (Date.now() - started) / 1000,
      );
      await this.fail(promotion, target, error, context);
      throw error;
    } finally {
      progress.stop();
    }
  }

  /**
   * A job the queue gave up on while Postgres still shows its target active: its workers were
   * lost more often than its attempts allow (WORKER_LOST), or the reconciler found it failed.
   */
  async failLost(targetId: string, error: AirlockError): Promise<void> {
    const target = await this.promotions.findTarget(targetId);
    if (!target || !isActive(target.status)) return;
    const promotion = (await this.promotions.find(target.promotionId))!;
    await withLogContext({ promotionId: promotion.id, targetRegistry: target.registry }, () =>
      this.fail(promotion, target, error, { finalAttempt: true }),
    );
  }

  private copy(
    promotion: PromotionRow,
    {
      source,
      destination,
      target,
    }: { source: Registry; destination: Registry; target: PromotionTargetRow },
    progress: ProgressWriter,
    signal: AbortSignal,
  ): Promise<CopyResult> {
    const options = promotion.options as unknown as PromotionOptions;
    return this.engine.copy({
      source: {
        // The manifest the request's plan just read is not read again (RecentManifests).
        registry: this.clients.readsFor(source),
        repository: promotion.sourceRepository,
        digest: promotion.digest,
      },
      target: {
        registry: this.clients.clientFor(destination),
        repository: target.repository,
        // A release item's tags wait for the release's commit (ReleaseCommitter).
        tags: promotion.releaseId ? [] : promotion.tags,
      },
      options: {
        // Every referrer of every manifest copied: the policy's lists only gate admission. A
        // release item's travel at the release's commit, right before its tags: read once there.
        referrers: !promotion.releaseId,
        allowTagOverwrite: options.allowTagOverwrite ?? false,
        ...freshPlanFacts(promotion, target),
        // The signed attestation lands with the image, before a tag names it; a failure to
        // write it fails the attempt like a failed copy (retried, no tag written). Without a
        // signing key there is nothing to land there, and the root is written with its tag.
        beforeTags: this.attestations.enabled
          ? async () => {
              await this.attestations.attest(
                this.clients.clientFor(destination),
                factsOf(promotion, target, destination),
              );
            }
          : undefined,
        onProgress: (p) => progress.update(p),
        signal,
      },
    });
  }

  private async land(
    promotion: PromotionRow,
    target: PromotionTargetRow,
    destination: Registry,
    result: CopyResult,
  ): Promise<void> {
    const landed = {
      target,
      registry: destination,
      digest: result.digest,
      result: summaryOf(result),
    };
    await this.transactions.run((tx) => this.landing.land(promotion, [landed], tx));
  }

  /** A release item's copy landed, tags not written: staged; the last one starts the commit. */
  private async stage(
    releaseId: string,
    target: PromotionTargetRow,
    result: CopyResult,
  ): Promise<void> {
    const run = await this.transactions.run((tx) =>
      this.release.staged(releaseId, target.id, summaryOf(result), tx),
    );
    if (run !== null) await this.releaseJobs.enqueueAfterCommit(releaseId, run);
  }

  private async fail(
    promotion: PromotionRow,
    target: PromotionTargetRow,
    error: unknown,
    context: RunContext,
  ): Promise<void> {
    const { code, message } = errorSummary(error);
    const final = context.finalAttempt || isPermanentFailure(error);
    this.logger.warn(
      `promotion ${promotion.id}: copy to ${target.registry} failed${final ? '' : ' (will retry)'}: ${code}: ${message}`,
    );
    const releaseId = promotion.releaseId;
    const cancelled = await this.transactions.run(async (tx) => {
      // The release's row first, then the promotion's: the order every release transition takes.
      if (releaseId) await this.release.lock(releaseId, tx);
      await this.transitions.failTarget(promotion.id, target.id, { code, message }, final, tx);
      if (!final || !releaseId) return [];
      return this.release.itemFailed(
        releaseId,
        { id: promotion.id, repository: promotion.sourceRepository },
        { code, message },
        tx,
      );
    });
    for (const other of cancelled) await this.jobs.discard(other);
  }
}

function recordCopy(metrics: Metrics, registry: string, result: CopyResult): void {
  const { blobs } = result;
  metrics.copyDuration.observe({ registry, outcome: 'succeeded' }, result.durationMs / 1000);
  metrics.copyBytes.inc({ registry, action: 'copied' }, blobs.bytesCopied);
  metrics.copyBytes.inc({ registry, action: 'mounted' }, blobs.bytesMounted);
  metrics.copyBytes.inc({ registry, action: 'skipped' }, blobs.bytesSkipped);
  metrics.copyBlobs.inc({ registry, action: 'copied' }, blobs.copied);
  metrics.copyBlobs.inc({ registry, action: 'mounted' }, blobs.mounted);
  metrics.copyBlobs.inc({ registry, action: 'skipped' }, blobs.skipped);
}

function summaryOf(result: CopyResult): Record<string, unknown> {
  return {
    digest: result.digest,
    mode: result.mode,
    alreadyPresent: result.alreadyPresent,
    blobs: result.blobs,
    manifestsWritten: result.manifestsWritten,
    referrers: result.referrers.map((r) => ({
      digest: r.digest,
      artifactType: r.artifactType,
      subject: r.subject,
      action: r.action,
    })),
    tags: result.tags,
    durationMs: result.durationMs,
  };
}

/**
 * What the request's plan, while fresh, found in this target: the root digest absent, and none
 * of the tags pointing at another digest. A stale plan, a later attempt or run, or a target the
 * plan does not name: nothing (the copy asks the target itself).
 */
export function freshPlanFacts(
  promotion: Pick<PromotionRow, 'plan' | 'createdAt'>,
  target: Pick<PromotionTargetRow, 'registry' | 'attempts' | 'run'>,
  now = Date.now(),
): { rootAbsent: boolean; tagsFree: boolean } {
  const fresh = now - promotion.createdAt.getTime() <= FRESH_PLAN_MS;
  const plan = (promotion.plan as TargetPlanView[]).find((p) => p.registry === target.registry);
  if (!fresh || target.attempts > 1 || target.run > 1 || plan === undefined)
    return { rootAbsent: false, tagsFree: false };
  return {
    rootAbsent: !plan.alreadyPresent,
    tagsFree: Array.isArray(plan.tagCollisions) && plan.tagCollisions.length === 0,
  };
}

/** What the attestation of `promotion` landing in `destination` states. */
function factsOf(
  promotion: PromotionRow,
  target: PromotionTargetRow,
  destination: Registry,
): PromotionFacts {
  return {
    promotionId: promotion.id,
    digest: promotion.digest,
    source: {
      stage: promotion.sourceStage,
      registry: promotion.sourceRegistry,
      repository: promotion.sourceRepository,
    },
    target: {
      stage: promotion.targetStage,
      registry: destination.name,
      host: new URL(destination.url).host,
      repository: target.repository,
    },
    tags: promotion.tags,
    policy: promotion.admittedPolicy,
    evidence: promotion.evidence,
    requestedBy: { id: promotion.requestedBy, name: promotion.requestedByName },
    requestedAt: promotion.createdAt,
  };
}
