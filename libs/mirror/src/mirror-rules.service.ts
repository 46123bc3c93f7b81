import { AuditService, type AuditActor } from '@airlock/audit';
import { AirlockError } from '@airlock/errors';
import { checkRepository, throwIfInvalid } from '@airlock/images';
import { decodeCursor, encodeCursor } from '@airlock/validation';
import {
  constraintViolationOf,
  MirrorRepository,
  TransactionRunner,
  type MirrorRuleChanges,
  type MirrorRuleRow,
  type Transaction,
} from '@airlock/persistence';
import { RegistriesService, type Registry } from '@airlock/registries';
import { Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import {
  checkRuleName,
  checkSchedule,
  checkTagSelection,
  MIRROR_RUN_PAGE_LIMIT,
} from './mirror-rules';
import { MirrorSchedules } from './mirror-schedules';
import {
  toArchivedDigestView,
  toMirrorRuleView,
  toMirrorRunView,
  type ArchivedDigestView,
  type MirrorRuleView,
  type MirrorRunPage,
  type MirrorRunView,
} from './mirror-view';
import type { TagSelection } from './tag-selection';

export interface MirrorRuleRequest {
  name: string;
  upstream: { registry: string; repository: string };
  tags: TagSelection;
  archive: { registry: string; repository: string };
  schedule: string;
  enabled?: boolean;
}

export type MirrorRuleUpdate = Partial<Omit<MirrorRuleRequest, 'name'>>;

export interface SyncRequested {
  rule: string;
  /** The queue job of this sync; its run appears under `GET …/runs` once it starts. */
  jobId: string;
}

/** Mirror rules (admin): their schedules, "sync now", run history and the archived digests. */
@Injectable()
export class MirrorRulesService {
  private readonly logger = new Logger(MirrorRulesService.name);

  constructor(
    private readonly mirrors: MirrorRepository,
    private readonly registries: RegistriesService,
    private readonly transactions: TransactionRunner,
    private readonly audit: AuditService,
    private readonly schedules: MirrorSchedules,
  ) {}

  async create(request: MirrorRuleRequest, actor: AuditActor): Promise<MirrorRuleView> {
    throwIfInvalid([
      ...checkRuleName(request.name),
      ...checkRepository(request.upstream?.repository, 'upstream.repository'),
      ...checkRepository(request.archive?.repository, 'archive.repository'),
      ...checkTagSelection(request.tags),
      ...checkSchedule(request.schedule),
    ]);
    const rule = await this.transactions.run(async (tx) => {
      const upstream = await this.registry('upstream.registry', request.upstream.registry, tx);
      const archive = await this.archiveRegistry(request.archive.registry, tx);
      await this.refuseSharedArchive(archive, request.archive.repository, null, tx);
      const row = await this.mirrors
        .insertRule(
          {
            name: request.name,
            upstreamRegistryId: upstream.id,
            upstreamRepository: request.upstream.repository,
            tagSelection: { ...request.tags },
            archiveRegistryId: archive.id,
            archiveRepository: request.archive.repository,
            schedule: request.schedule.trim(),
            enabled: request.enabled ?? true,
          },
          tx,
        )
        .catch((error: unknown) => {
          throw constraintViolationOf(error)?.kind === 'unique'
            ? new AirlockError('CONFLICT', `A mirror rule named "${request.name}" already exists`)
            : error;
        });
      await this.audit.record(
        {
          actor,
          action: 'mirror_rule.created',
          subject: { type: 'mirror_rule', id: row.id },
          after: toMirrorRuleView(row),
        },
        tx,
      );
      return row;
    });
    await this.applySchedule(rule);
    return toMirrorRuleView(rule);
  }

  async list(): Promise<MirrorRuleView[]> {
    return (await this.mirrors.listRules()).map(toMirrorRuleView);
  }

  async show(name: string): Promise<MirrorRuleView> {
    return toMirrorRuleView(await this.require(name));
  }

  async update(
    name: string,
    request: MirrorRuleUpdate,
    actor: AuditActor,
  ): Promise<MirrorRuleView> {
    throwIfInvalid([
      ...(request.upstream === undefined
        ? []
        : checkRepository(request.upstream.repository, 'upstream.repository')),
      ...(request.archive === undefined
        ? []
        : checkRepository(request.archive.repository, 'archive.repository')),
      ...(request.tags === undefined ? [] : checkTagSelection(request.tags)),
      ...(request.schedule === undefined ? [] : checkSchedule(request.schedule)),
    ]);
    const rule = await this.transactions.run(async (tx) => {
      const before = await this.require(name, tx, true);
      const changes: MirrorRuleChanges = {
        tagSelection: request.tags === undefined ? undefined : { ...request.tags },
        schedule: request.schedule?.trim(),
        enabled: request.enabled,
      };
      if (request.upstream !== undefined) {
        const upstream = await this.registry('upstream.registry', request.upstream.registry, tx);
        changes.upstreamRegistryId = upstream.id;
        changes.upstreamRepository = request.upstream.repository;
      }
      if (request.archive !== undefined) {
        const archive = await this.archiveRegistry(request.archive.registry, tx);
        await this.refuseSharedArchive(archive, request.archive.repository, before.id, tx);
        changes.archiveRegistryId = archive.id;
        changes.archiveRepository = request.archive.repository;
      }
      const after = await this.mirrors.updateRule(before.id, changes, tx);
      await this.audit.record(
        {
          actor,
          action: 'mirror_rule.updated',
          subject: { type: 'mirror_rule', id: before.id },
          before: toMirrorRuleView(before),
          after: toMirrorRuleView(after),
        },
        tx,
      );
      return after;
    });
    await this.applySchedule(rule);
    return toMirrorRuleView(rule);
  }

  /** The rule and its run history go; the archived digests stay (in the Archive and listed by digest). */
  async delete(name: string, actor: AuditActor): Promise<void> {
    const rule = await this.transactions.run(async (tx) => {
      const row = await this.require(name, tx, true);
      await this.mirrors.deleteRule(row.id, tx);
      await this.audit.record(
        {
          actor,
          action: 'mirror_rule.deleted',
          subject: { type: 'mirror_rule', id: row.id },
          before: toMirrorRuleView(row),
        },
        tx,
      );
      return row;
    });
    // Left behind if Redis is down: the workers' reconcile pass removes it.
    await this.schedules.remove(rule.id).catch((error: unknown) => {
      this.logger.warn(
        `could not remove the scheduler of mirror rule "${name}": ${(error as Error).message}`,
      );
    });
  }

  /** Queues a sync of the rule now, whatever its schedule or enabled flag says. */
  async syncNow(name: string, actor: AuditActor): Promise<SyncRequested> {
    const rule = await this.require(name);
    const jobId = await this.schedules
      .syncNow(rule.id, actor.requestId ?? randomUUID())
      .catch((error: unknown) => {
        throw new AirlockError(
          'DEPENDENCY_UNAVAILABLE',
          `the job queue is unavailable, the sync was not queued: ${(error as Error).message}`,
        );
      });
    await this.audit.record({
      actor,
      action: 'mirror_rule.sync_requested',
      subject: { type: 'mirror_rule', id: rule.id },
      after: { rule: rule.name, jobId },
    });
    return { rule: rule.name, jobId };
  }

  /** Newest first; `limit` (1-100) is checked at the edge, like the delivery log's. */
  async runs(name: string, query: { cursor?: string; limit?: number }): Promise<MirrorRunPage> {
    const limit = query.limit ?? MIRROR_RUN_PAGE_LIMIT.default;
    const before = query.cursor === undefined ? undefined : decodeCursor(query.cursor);
    const rule = await this.require(name);
    const rows = await this.mirrors.listRuns(
      rule.id,
      limit + 1,
      before && { startedAtKey: before.createdAtKey, id: before.id },
    );
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      items: page.map((row) => toMirrorRunView(row, rule.name)),
      nextCursor: rows.length > limit && last ? encodeCursor(last.startedAtKey, last.id) : null,
    };
  }

  async run(name: string, id: string): Promise<MirrorRunView> {
    const rule = await this.require(name);
    const row = /^[0-9a-f-]{36}$/i.test(id) ? await this.mirrors.findRun(rule.id, id) : null;
    if (!row) throw new AirlockError('NOT_FOUND', `Mirror rule "${name}" has no run ${id}`);
    return toMirrorRunView(row, rule.name);
  }

  /** Every digest archived for the rule's archive repository, per tag, newest sighting first. */
  async archived(name: string, tag?: string): Promise<ArchivedDigestView[]> {
    const rule = await this.require(name);
    return (
      await this.mirrors.listArchived(rule.archiveRegistryId, rule.archiveRepository, tag)
    ).map(toArchivedDigestView);
  }

  private async require(name: string, tx?: Transaction, lock = false): Promise<MirrorRuleRow> {
    const rule = await this.mirrors.findRule({ name }, tx, lock);
    if (!rule) throw new AirlockError('NOT_FOUND', `No mirror rule named "${name}"`);
    return rule;
  }

  private async registry(field: string, name: string, tx: Transaction): Promise<Registry> {
    const registry = await this.registries.find(name, tx);
    if (!registry) throw invalid(field, 'exists', `${field}: no registry named "${name}"`);
    return registry;
  }

  private async archiveRegistry(name: string, tx: Transaction): Promise<Registry> {
    const registry = await this.registry('archive.registry', name, tx);
    if (registry.role !== 'archive')
      throw invalid(
        'archive.registry',
        'role',
        `archive.registry: registry "${name}" has role "${registry.role}"; mirrors write only to a registry of role "archive"`,
      );
    return registry;
  }

  /** Two rules writing one archive repository would move each other's tags. */
  private async refuseSharedArchive(
    archive: Registry,
    repository: string,
    ruleId: string | null,
    tx: Transaction,
  ): Promise<void> {
    const other = (await this.mirrors.listRules(tx)).find(
      (r) =>
        r.id !== ruleId && r.archiveRegistryId === archive.id && r.archiveRepository === repository,
    );
    if (other)
      throw new AirlockError(
        'CONFLICT',
        `mirror rule "${other.name}" already archives into ${archive.name}/${repository}`,
      );
  }

  /** After the commit; when Redis is down the workers' reconcile pass applies it later. */
  private async applySchedule(rule: MirrorRuleRow): Promise<void> {
    await this.schedules.apply(rule).catch((error: unknown) => {
      this.logger.warn(
        `could not apply the schedule of mirror rule "${rule.name}" (the workers will): ${(error as Error).message}`,
      );
    });
  }
}

function invalid(field: string, rule: string, message: string): AirlockError {
  return new AirlockError('INVALID_INPUT', message, {
    details: { errors: [{ field, rule, message }] },
  });
}
