import { systemActor } from '@airlock/audit';
import { AppConfig } from '@airlock/config';
import { CopyEngine } from '@airlock/copy';
import { AirlockError, errorSummary } from '@airlock/errors';
import { EventsService } from '@airlock/events';
import { ImagesService, TagLedger } from '@airlock/images';
import { Metrics } from '@airlock/observability';
import { TransactionRunner, type Transaction } from '@airlock/persistence';
import { RegistriesService, RegistryClientFactory, type Registry } from '@airlock/registries';
import type { OciRegistry } from '@airlock/registry-client';
import { Injectable, Logger } from '@nestjs/common';
import { MirrorRuleLock } from './mirror-rule-lock';
import { toMirrorRunView, type MirrorRunView } from './mirror-view';
import {
  MirrorRepository,
  type MirrorProblem,
  type MirrorRuleRow,
  type MirrorRunRow,
  type MirrorRunStatus,
  type MirrorTagResult,
  type MirrorTrigger,
} from './mirror.repository';
import { MAX_SELECTED_TAGS, needsTagList, selectTags, type TagSelection } from './tag-selection';
import { UpstreamClients } from './upstream-clients';

/**
 * The tag that keeps a manifest alive in the Archive: an archived digest after its upstream tag
 * moved on, and each of its platform manifests and referrers (and theirs). Registry garbage
 * collection that deletes untagged manifests (distribution 2.8 `--delete-untagged`) deletes one
 * no tag points at, even when a tagged index or a `sha256-<hex>` fallback index lists it. One
 * per digest.
 */
export function historyTagOf(digest: string): string {
  return `archive-${digest.replace(/^sha256:/, '')}`;
}

/** Thrown when a manual sync waited AIRLOCK_MIRROR_MANUAL_WAIT_MS for another sync of the rule: the queue retries it (RESOURCE_BUSY is retryable). */
export class MirrorBusyError extends AirlockError {
  constructor(rule: string) {
    super('RESOURCE_BUSY', `mirror rule "${rule}" is being synced by another job`, {
      details: { rule },
    });
  }
}

interface RunContext {
  rule: MirrorRuleRow;
  upstreamRegistry: Registry;
  archiveRegistry: Registry;
  upstream: OciRegistry;
  archive: OciRegistry;
}

/**
 * One sync of a mirror rule: resolve the selected upstream tags with HEAD requests, copy the
 * digests the Archive lacks (with referrers) under the tag and a history tag, then record in one
 * transaction what each tag points at, the run, drift events and `mirror.synced`. Upstream
 * failing changes nothing in the Archive: a tag is written only after its content is complete.
 */
@Injectable()
export class MirrorSync {
  private readonly logger = new Logger(MirrorSync.name);

  constructor(
    private readonly config: AppConfig,
    private readonly mirrors: MirrorRepository,
    private readonly ruleLock: MirrorRuleLock,
    private readonly registries: RegistriesService,
    private readonly imagesService: ImagesService,
    private readonly tagLedger: TagLedger,
    private readonly events: EventsService,
    private readonly transactions: TransactionRunner,
    private readonly clients: RegistryClientFactory,
    private readonly upstreamClients: UpstreamClients,
    private readonly engine: CopyEngine,
    private readonly metrics: Metrics,
  ) {}

  /**
   * Syncs the rule; null when there was nothing to do: the rule is gone or disabled (scheduled
   * runs), the tick already has its run, or another sync holds the rule (scheduled runs skip,
   * manual ones throw MirrorBusyError so the queue retries).
   */
  async sync(
    ruleId: string,
    trigger: MirrorTrigger,
    tick: number | null = null,
  ): Promise<MirrorRunView | null> {
    const rule = await this.mirrors.findRule({ id: ruleId });
    if (!rule) {
      this.logger.warn(`mirror rule ${ruleId} no longer exists; nothing to sync`);
      return null;
    }
    if (trigger === 'schedule' && !rule.enabled) return null;
    // A tick that finds the previous sync still running is skipped (the next tick comes); a
    // manual sync waits its turn.
    const waitMs = trigger === 'manual' ? this.config.mirrorManualWaitMs : 0;
    const locked = await this.ruleLock.hold(
      rule.id,
      async () => {
        const run = await this.mirrors.startRun(
          rule.id,
          trigger,
          tick === null ? null : new Date(tick),
        );
        if (!run) {
          this.logger.log(
            `mirror rule "${rule.name}": tick ${new Date(tick!).toISOString()} already synced`,
          );
          return { run: null };
        }
        return { run: await this.syncLocked(rule, run) };
      },
      waitMs,
    );
    if (locked) return locked.run;
    if (trigger === 'manual') throw new MirrorBusyError(rule.name);
    this.logger.log(
      `mirror rule "${rule.name}": previous sync still running; this tick is skipped`,
    );
    return null;
  }

  private async syncLocked(rule: MirrorRuleRow, run: MirrorRunRow): Promise<MirrorRunView> {
    const started = Date.now();
    const upstreamRegistry = (await this.registries.findById(rule.upstreamRegistryId))!;
    const archiveRegistry = (await this.registries.findById(rule.archiveRegistryId))!;
    const context: RunContext = {
      rule,
      upstreamRegistry,
      archiveRegistry,
      upstream: this.upstreamClients.clientFor(upstreamRegistry),
      archive: this.clients.clientFor(archiveRegistry),
    };
    const errors: MirrorProblem[] = [];
    const results = await this.syncSelected(context, errors);
    for (const result of results)
      if (result.error) errors.push({ tag: result.tag, ...result.error });
    const failed = results.filter((r) => r.outcome === 'failed').length;
    const status: MirrorRunStatus =
      errors.length === 0 ? 'succeeded' : failed < results.length ? 'partial' : 'failed';
    const finished = await this.land(context, run, status, results, errors);
    this.metrics.mirrorRuns.inc({ outcome: status });
    this.logger.log(
      `mirror rule "${rule.name}" ${status} in ${Date.now() - started} ms: ${finished.tagsChecked} tags checked, ` +
        `${finished.newDigests} new digests, ${finished.bytesCopied} bytes copied, ${errors.length} errors`,
    );
    return toMirrorRunView(finished, rule.name);
  }

  /**
   * Syncs each selected tag, one after another. Problems of the run itself (listing failed, the
   * selection capped) go to `errors`; a tag's own problem is in its result.
   */
  private async syncSelected(
    context: RunContext,
    errors: MirrorProblem[],
  ): Promise<MirrorTagResult[]> {
    const { rule } = context;
    const selection: TagSelection = rule.tagSelection;
    try {
      const listed = needsTagList(selection)
        ? await context.upstream.listTags(rule.upstreamRepository)
        : [];
      const matched = selectTags(selection, listed, Number.POSITIVE_INFINITY);
      const tags = matched.slice(0, MAX_SELECTED_TAGS);
      if (matched.length > tags.length) {
        // Said, not silently dropped: the run is partial until the rule selects fewer tags.
        errors.push({
          code: 'SELECTION_CAPPED',
          message:
            `the selection matches ${matched.length} tags; only the first ${MAX_SELECTED_TAGS} ` +
            '(explicit tags, then highest versions) are archived — narrow include, exclude, semver or newest',
        });
      }
      const current = new Map(
        (
          await this.mirrors.currentArchived(context.archiveRegistry.id, rule.archiveRepository)
        ).map((row) => [row.tag, row.digest]),
      );
      const results: MirrorTagResult[] = [];
      for (const tag of tags)
        results.push(await this.syncTag(context, tag, current.get(tag) ?? null));
      return results;
    } catch (error) {
      // Listing failed: upstream is down or refuses us. Nothing was written anywhere.
      errors.push(errorSummary(error));
      return [];
    }
  }

  /** HEAD upstream; a digest the tag did not point at before is copied, tags last. */
  private async syncTag(
    context: RunContext,
    tag: string,
    previousDigest: string | null,
  ): Promise<MirrorTagResult> {
    const { rule } = context;
    try {
      const descriptor = await context.upstream.headManifest(rule.upstreamRepository, tag);
      if (!descriptor) {
        return {
          tag,
          outcome: 'failed',
          previousDigest,
          error: {
            code: 'REGISTRY_NOT_FOUND',
            message: `tag "${tag}" not found upstream${previousDigest ? ' (the Archive keeps what it had)' : ''}`,
          },
        };
      }
      const digest = descriptor.digest;
      // Unchanged upstream: one HEAD on the Archive proves the copy is still there (someone may
      // have deleted it); if not, it is copied again like a new digest.
      if (
        digest === previousDigest &&
        (await context.archive.headManifest(rule.archiveRepository, digest))
      )
        return { tag, outcome: 'unchanged', digest, previousDigest };
      const historyTag = historyTagOf(digest);
      const copied = await this.engine.copy({
        source: { registry: context.upstream, repository: rule.upstreamRepository, digest },
        target: { registry: context.archive, repository: rule.archiveRepository, tags: [tag] },
        options: {
          referrers: true,
          allowTagOverwrite: true,
          // Every manifest archived gets its history tag before the moving tag is written — the
          // root's is `historyTag`: once the tag moves on, these are what keep the old digest,
          // its platforms and its referrers.
          pinTag: historyTagOf,
        },
      });
      return {
        tag,
        outcome: copied.alreadyPresent ? 'moved' : 'archived',
        digest,
        previousDigest,
        historyTag,
        bytesCopied: copied.blobs.bytesCopied,
      };
    } catch (error) {
      return { tag, outcome: 'failed', previousDigest, error: errorSummary(error) };
    }
  }

  /** Registers what was archived, then records everything in one transaction. */
  private async land(
    context: RunContext,
    run: MirrorRunRow,
    status: MirrorRunStatus,
    results: MirrorTagResult[],
    errors: MirrorProblem[],
  ): Promise<MirrorRunRow> {
    const { rule, upstreamRegistry, archiveRegistry } = context;
    await this.registerArchived(
      context,
      results.filter((r) => r.outcome === 'archived' || r.outcome === 'moved'),
    );
    return this.transactions.run(async (tx) => {
      for (const result of results) await this.recordTag(context, result, tx);
      const finished = await this.mirrors.finishRun(
        run.id,
        {
          status,
          tagsChecked: results.length,
          tagsFailed: results.filter((r) => r.outcome === 'failed').length,
          newDigests: results.filter((r) => r.outcome === 'archived').length,
          bytesCopied: results.reduce((sum, r) => sum + (r.bytesCopied ?? 0), 0),
          errors,
          results,
        },
        tx,
      );
      await this.events.publish(
        'mirror.synced',
        {
          rule: { id: rule.id, name: rule.name },
          upstream: { registry: upstreamRegistry.name, repository: rule.upstreamRepository },
          archive: { registry: archiveRegistry.name, repository: rule.archiveRepository },
          run: toMirrorRunView(finished, rule.name),
        },
        tx,
      );
      return finished;
    });
  }

  /** The archived digests as images of Airlock (lookups, drift): idempotent per digest. */
  private async registerArchived(context: RunContext, changed: MirrorTagResult[]): Promise<void> {
    const { rule, archiveRegistry } = context;
    const actor = systemActor(`mirror:${rule.name}`);
    for (const result of changed) {
      await this.imagesService
        .register(
          {
            registry: archiveRegistry.name,
            repository: rule.archiveRepository,
            digest: result.digest,
          },
          actor,
          { source: 'mirror' },
        )
        .catch((error: unknown) =>
          this.logger.warn(
            `mirror rule "${rule.name}": could not register ${result.digest}: ${(error as Error).message}`,
          ),
        );
    }
  }

  /** What a synced tag points at now, in the archive's history and the tag ledger. */
  private async recordTag(
    context: RunContext,
    result: MirrorTagResult,
    tx: Transaction,
  ): Promise<void> {
    if (!result.digest || result.outcome === 'failed') return;
    const { rule, upstreamRegistry, archiveRegistry } = context;
    await this.mirrors.recordArchived(
      {
        ruleId: rule.id,
        archiveRegistryId: archiveRegistry.id,
        repository: rule.archiveRepository,
        tag: result.tag,
        digest: result.digest,
        historyTag: result.historyTag ?? null,
      },
      tx,
    );
    // Where the names point now: upstream as observed, the Archive as written. A move since
    // the Archive's last copy (or since upstream was last seen) announces base drift.
    await this.tagLedger.record(
      { registry: upstreamRegistry, repository: rule.upstreamRepository },
      [result.tag],
      result.digest,
      tx,
      {
        copies: [{ registry: archiveRegistry, repository: rule.archiveRepository }],
        previousDigest: result.previousDigest,
      },
    );
  }
}
